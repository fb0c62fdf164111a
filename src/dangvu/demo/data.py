"""Place names of Ninh Thuận before 1/7/2025 (real) and name pools for synthetic people."""

from __future__ import annotations

# district-level unit: (code, party organisation name, commune-level units as (kind, name)),
# kinds: "phuong" (ward), "thi_tran" (township), "xa" (commune); 65 units in all.
DISTRICTS: list[tuple[str, str, str, list[tuple[str, str]]]] = [
    ("PRTC", "Đảng bộ thành phố Phan Rang – Tháp Chàm", "Phan Rang – Tháp Chàm", [
        ("phuong", "Bảo An"), ("phuong", "Đài Sơn"), ("phuong", "Đạo Long"), ("phuong", "Đô Vinh"),
        ("phuong", "Đông Hải"), ("phuong", "Kinh Dinh"), ("phuong", "Mỹ Bình"), ("phuong", "Mỹ Đông"),
        ("phuong", "Mỹ Hải"), ("phuong", "Mỹ Hương"), ("phuong", "Phủ Hà"), ("phuong", "Phước Mỹ"),
        ("phuong", "Tấn Tài"), ("phuong", "Thanh Sơn"), ("phuong", "Văn Hải"), ("xa", "Thành Hải"),
    ]),
    ("NS", "Đảng bộ huyện Ninh Sơn", "Ninh Sơn", [
        ("thi_tran", "Tân Sơn"), ("xa", "Hòa Sơn"), ("xa", "Lâm Sơn"), ("xa", "Lương Sơn"),
        ("xa", "Ma Nới"), ("xa", "Mỹ Sơn"), ("xa", "Nhơn Sơn"), ("xa", "Quảng Sơn"),
    ]),
    ("NH", "Đảng bộ huyện Ninh Hải", "Ninh Hải", [
        ("thi_tran", "Khánh Hải"), ("xa", "Hộ Hải"), ("xa", "Nhơn Hải"), ("xa", "Phương Hải"),
        ("xa", "Tân Hải"), ("xa", "Thanh Hải"), ("xa", "Tri Hải"), ("xa", "Vĩnh Hải"), ("xa", "Xuân Hải"),
    ]),
    ("NP", "Đảng bộ huyện Ninh Phước", "Ninh Phước", [
        ("thi_tran", "Phước Dân"), ("xa", "An Hải"), ("xa", "Phước Hải"), ("xa", "Phước Hậu"),
        ("xa", "Phước Hữu"), ("xa", "Phước Sơn"), ("xa", "Phước Thái"), ("xa", "Phước Thuận"),
        ("xa", "Phước Vinh"),
    ]),
    ("BA", "Đảng bộ huyện Bác Ái", "Bác Ái", [
        ("xa", "Phước Bình"), ("xa", "Phước Chính"), ("xa", "Phước Đại"), ("xa", "Phước Hòa"),
        ("xa", "Phước Tân"), ("xa", "Phước Thắng"), ("xa", "Phước Thành"), ("xa", "Phước Tiến"),
        ("xa", "Phước Trung"),
    ]),
    ("TB", "Đảng bộ huyện Thuận Bắc", "Thuận Bắc", [
        ("xa", "Bắc Phong"), ("xa", "Bắc Sơn"), ("xa", "Công Hải"), ("xa", "Lợi Hải"),
        ("xa", "Phước Chiến"), ("xa", "Phước Kháng"),
    ]),
    ("TN", "Đảng bộ huyện Thuận Nam", "Thuận Nam", [
        ("xa", "Cà Ná"), ("xa", "Nhị Hà"), ("xa", "Phước Diêm"), ("xa", "Phước Dinh"),
        ("xa", "Phước Hà"), ("xa", "Phước Minh"), ("xa", "Phước Nam"), ("xa", "Phước Ninh"),
    ]),
]

# Ethnic mix of members by district: code -> weights of (ethnicity code, weight).
ETHNIC_MIX: dict[str, list[tuple[str, int]]] = {
    "PRTC": [("01", 93), ("17", 4), ("04", 2), ("21", 1)],
    "NS": [("01", 72), ("21", 20), ("16", 5), ("17", 2), ("07", 1)],
    "NH": [("01", 88), ("21", 7), ("17", 5)],
    "NP": [("01", 68), ("17", 30), ("21", 2)],
    "BA": [("21", 78), ("01", 19), ("17", 2), ("16", 1)],
    "TB": [("01", 70), ("21", 26), ("17", 4)],
    "TN": [("01", 66), ("17", 24), ("21", 10)],
    "BLOCK": [("01", 92), ("17", 4), ("21", 3), ("04", 1)],
}

DISTRICT_AGENCIES = [
    ("co_quan_dang", "Chi bộ Văn phòng {level}"), ("co_quan_dang", "Chi bộ Ban Tổ chức {level}"),
    ("co_quan_dang", "Chi bộ Ủy ban Kiểm tra {level}"), ("co_quan_dang", "Chi bộ Ban Tuyên giáo và Dân vận {level}"),
    ("co_quan_dang", "Chi bộ Ủy ban Mặt trận Tổ quốc và các đoàn thể {place}"),
    ("co_quan_nha_nuoc", "Chi bộ Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {place}"),
    ("co_quan_nha_nuoc", "Chi bộ Phòng Tài chính – Kế hoạch {place}"),
    ("co_quan_nha_nuoc", "Chi bộ Phòng Nông nghiệp và Phát triển nông thôn {place}"),
    ("co_quan_nha_nuoc", "Chi bộ Phòng Giáo dục và Đào tạo {place}"),
    ("co_quan_nha_nuoc", "Chi bộ Phòng Tài nguyên và Môi trường {place}"),
    ("co_quan_nha_nuoc", "Chi bộ Chi cục Thuế {place}"), ("co_quan_nha_nuoc", "Chi bộ Kho bạc Nhà nước {place}"),
    ("su_nghiep_cong_lap", "Chi bộ Trung tâm Văn hóa – Thông tin và Thể thao {place}"),
    ("su_nghiep_cong_lap", "Chi bộ Trường Trung học phổ thông {place}"),
    ("dn_nha_nuoc_100", "Chi bộ Ngân hàng Chính sách xã hội {place}"),
]
SCHOOL_CELLS = ["Chi bộ Trường Trung học cơ sở {commune}", "Chi bộ Trường Tiểu học {commune}"]

PROVINCE_COMMITTEES = [
    ("co_quan_nha_nuoc", "Đảng bộ Sở Y tế"), ("co_quan_nha_nuoc", "Đảng bộ Sở Giáo dục và Đào tạo"),
    ("co_quan_nha_nuoc", "Đảng bộ Sở Nông nghiệp và Phát triển nông thôn"),
    ("co_quan_nha_nuoc", "Đảng bộ Sở Tài chính"), ("co_quan_nha_nuoc", "Đảng bộ Cục Thuế tỉnh"),
    ("su_nghiep_cong_lap", "Đảng bộ Bệnh viện Đa khoa tỉnh"), ("su_nghiep_cong_lap", "Đảng bộ Trường Cao đẳng Nghề"),
    ("co_quan_dang", "Đảng bộ Cơ quan Tỉnh ủy"), ("co_quan_nha_nuoc", "Đảng bộ Văn phòng Ủy ban nhân dân tỉnh"),
    ("dn_nha_nuoc_100", "Đảng bộ Công ty Điện lực Ninh Thuận"),
    ("dn_co_phan", "Đảng bộ Công ty Cổ phần Cấp thoát nước Ninh Thuận"),
    ("dn_nha_nuoc_tren_50", "Đảng bộ Công ty Cổ phần Muối Ninh Thuận"),
    ("co_quan_nha_nuoc", "Đảng bộ Sở Lao động và Việc làm"), ("su_nghiep_cong_lap", "Đảng bộ Bệnh viện Y dược cổ truyền"),
    ("co_quan_nha_nuoc", "Đảng bộ Ban Quản lý các khu công nghiệp"),
    ("dn_co_phan", "Đảng bộ Công ty Cổ phần Xây dựng Ninh Thuận"),
    ("dn_nha_nuoc_duoi_50", "Đảng bộ Công ty Cổ phần Cảng Cà Ná"),
]
PROVINCE_CELLS = [
    ("co_quan_nha_nuoc", "Chi bộ Sở Tư pháp"), ("co_quan_nha_nuoc", "Chi bộ Sở Xây dựng"),
    ("co_quan_nha_nuoc", "Chi bộ Sở Công Thương"), ("co_quan_nha_nuoc", "Chi bộ Sở Nội vụ"),
    ("co_quan_nha_nuoc", "Chi bộ Sở Giao thông vận tải"), ("co_quan_nha_nuoc", "Chi bộ Sở Văn hóa, Thể thao và Du lịch"),
    ("co_quan_nha_nuoc", "Chi bộ Sở Tài nguyên và Môi trường"), ("co_quan_nha_nuoc", "Chi bộ Sở Khoa học và Công nghệ"),
    ("co_quan_nha_nuoc", "Chi bộ Sở Lao động – Thương binh và Xã hội"), ("co_quan_nha_nuoc", "Chi bộ Sở Kế hoạch và Đầu tư"),
    ("co_quan_nha_nuoc", "Chi bộ Thanh tra tỉnh"), ("co_quan_nha_nuoc", "Chi bộ Kho bạc Nhà nước tỉnh"),
    ("co_quan_dang", "Chi bộ Hội Nông dân tỉnh"), ("co_quan_dang", "Chi bộ Hội Liên hiệp Phụ nữ tỉnh"),
    ("co_quan_dang", "Chi bộ Tỉnh đoàn"), ("co_quan_dang", "Chi bộ Liên đoàn Lao động tỉnh"),
    ("su_nghiep_cong_lap", "Chi bộ Đài Phát thanh và Truyền hình"), ("su_nghiep_cong_lap", "Chi bộ Báo Ninh Thuận"),
    ("su_nghiep_cong_lap", "Chi bộ Trường Chính trị tỉnh"), ("su_nghiep_ngoai_cong_lap", "Chi bộ Bệnh viện tư nhân"),
    ("dn_tnhh", "Chi bộ Công ty TNHH Nho Ninh Thuận"), ("dn_co_phan", "Chi bộ Công ty Cổ phần Du lịch"),
    ("dn_tu_nhan", "Chi bộ Doanh nghiệp tư nhân Thành Đạt"), ("hop_tac_xa", "Chi bộ Hợp tác xã Nông nghiệp"),
    ("dn_fdi", "Chi bộ Công ty Năng lượng tái tạo"), ("dn_co_phan", "Chi bộ Công ty Cổ phần Thủy sản"),
]

VILLAGE_WORDS = [
    "Phước", "An", "Tân", "Hòa", "Thạnh", "Mỹ", "Vĩnh", "Lợi", "Phú", "Hiệp", "Thuận", "Long", "Bình",
    "Hữu", "Đức", "Thành", "Xuân", "Lạc", "Nghiệp", "Hậu", "Lập", "Thiện", "Quý", "Sơn", "Hải", "Trung",
    "Đông", "Tây", "Nam", "Bắc", "Khánh", "Nhơn", "Chất", "Thường", "Hiếu", "Lương", "Tri", "Cang",
]

FAMILY_KINH = [
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Huỳnh", 35), ("Hoàng", 20), ("Phan", 45),
    ("Võ", 40), ("Vũ", 10), ("Đặng", 20), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13), ("Ngô", 13), ("Dương", 10),
    ("Lý", 5), ("Trương", 12), ("Đinh", 8), ("Lương", 6), ("Mai", 6), ("Lâm", 5), ("Châu", 4), ("Tạ", 3),
]
FAMILY_CHAM = [("Đàng", 30), ("Thông", 15), ("Quảng", 15), ("Lưu", 10), ("Thuận", 8), ("Châu", 8),
               ("Trượng", 6), ("Bá", 8), ("Phú", 6), ("Hán", 6), ("Lâm", 4), ("Nguyễn", 6)]
FAMILY_RAGLAI = [("Katơr", 25), ("Pinăng", 20), ("Mấu", 15), ("Chamaléa", 15), ("Cao", 10), ("Bo", 8),
                 ("Pi", 5), ("Ma", 5)]
FAMILY_HOA = [("Lý", 25), ("Trương", 20), ("Quách", 15), ("Lâm", 15), ("Dương", 10), ("Tăng", 10)]
FAMILY_COHO = [("Kơsă", 10), ("Ya", 10), ("Bon", 10), ("Ka", 10)]

MIDDLE_MALE = [("Văn", 50), ("Hữu", 8), ("Đức", 8), ("Minh", 8), ("Quốc", 6), ("Thanh", 6), ("Công", 5),
               ("Ngọc", 4), ("Xuân", 3), ("Duy", 3), ("", 4)]
MIDDLE_FEMALE = [("Thị", 60), ("Ngọc", 8), ("Thu", 6), ("Thanh", 6), ("Kim", 6), ("Mỹ", 5), ("Hồng", 5), ("", 4)]
GIVEN_MALE = ("An Anh Bảo Bình Cường Dũng Đạt Đức Hải Hiếu Hòa Hùng Huy Khánh Khoa Lâm Long Minh Nam Nghĩa "
              "Phong Phúc Quang Sơn Tài Thắng Thành Thịnh Toàn Trung Tuấn Việt Vinh Vũ Tâm Tín Lộc Hưng Kiên").split()
GIVEN_FEMALE = ("An Anh Châu Dung Giang Hà Hằng Hạnh Hoa Hồng Huệ Hương Lan Liên Linh Loan Mai My Nga Ngân "
                "Nhung Oanh Phương Quyên Thảo Thu Thủy Trang Tuyết Uyên Vân Yến Lệ Diễm Ngọc").split()

OTHER_PROVINCES = ["056", "060", "068", "052", "054", "038", "040", "042", "079", "001", "046", "051"]
