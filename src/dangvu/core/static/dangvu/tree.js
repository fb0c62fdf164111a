// The tree's toggles: a node with subordinates opens and closes in place; htmx reads its level
// below the first time (hx-trigger="click once"). A file of the site's own: the CSP allows it.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.toggle");
  if (!button) return;
  var open = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", open ? "true" : "false");
  var sub = document.getElementById(button.getAttribute("aria-controls"));
  if (sub) sub.hidden = !open;
});
