"""The demo catalogue: eight courses of the "Bình dân học vụ số" movement for ordinary citizens,
in Vietnamese, each with two or three modules of short lessons and a final quiz.

The courses are data (plain Python structures below) loaded through the catalogue services as
`SYSTEM` (`courses_load`): every write is validated, sanitised and audited as an officer's
would be. A course whose code exists is left as it is, so a second load adds nothing and an
officer's later edits are kept.

The content is meant to be used: practical steps on the services people meet (VNeID, the
national public-service portal, banking apps), and the rules in force in 2025. Owners are the
province's bodies that the demo creates (`<prefix>-<province code>`): the Police for the e-ID
and scams, the Department of Education for children's safety, the Department of Home Affairs
for public services, the Department of Science and Technology for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from hoctap.accounts.permissions import SYSTEM
from hoctap.learning.models import Course, CourseStatus, QuestionKind, TargetGroup
from hoctap.learning.services import catalogue

__all__ = ["COURSES", "CourseSpec", "courses_load"]


@dataclass(frozen=True)
class LessonSpec:
    title: str
    minutes: int
    body: str  # HTML: <h3>, <p>, <ul>/<ol>, <strong>; sanitised again by the service


@dataclass(frozen=True)
class ModuleSpec:
    title: str
    lessons: tuple[LessonSpec, ...]


@dataclass(frozen=True)
class QuestionSpec:
    kind: str  # QuestionKind
    text: str
    choices: tuple[tuple[str, bool], ...]  # (answer, correct?) in order
    explanation: str = ""


@dataclass(frozen=True)
class CourseSpec:
    code: str
    title: str
    summary: str
    owner: str  # organisation code prefix; the code is `<owner>-<province code>`
    target_groups: tuple[str, ...]
    competencies: tuple[str, ...]  # codes of Circular 02/2025/TT-BGDĐT
    level: int
    hours: str
    modules: tuple[ModuleSpec, ...]
    quiz_title: str
    questions: tuple[QuestionSpec, ...]
    pass_mark: int = 70
    max_attempts: int = 3
    time_limit_minutes: int | None = None
    sequential: bool = True


def single(text: str, *choices: tuple[str, bool], why: str = "") -> QuestionSpec:
    return QuestionSpec(QuestionKind.SINGLE, text, choices, why)


def multiple(text: str, *choices: tuple[str, bool], why: str = "") -> QuestionSpec:
    return QuestionSpec(QuestionKind.MULTIPLE, text, choices, why)


def true_false(text: str, *, true: bool, why: str = "") -> QuestionSpec:
    # Vietnamese data, not a translated interface string: the course is in Vietnamese
    return QuestionSpec(QuestionKind.TRUE_FALSE, text, (("Đúng", true), ("Sai", not true)), why)


CITIZENS = TargetGroup.CITIZENS.value
PUPILS = TargetGroup.PUPILS_STUDENTS.value
CIVIL_SERVANTS = TargetGroup.CIVIL_SERVANTS.value
WORKERS = TargetGroup.ENTERPRISE_WORKERS.value
ARMED_FORCES = TargetGroup.ARMED_FORCES.value


# ---------------------------------------------------------------------------------------------
# 1. VNeID and electronic identification
# ---------------------------------------------------------------------------------------------

VNEID = CourseSpec(
    code="BDHVS-01",
    title="Tài khoản định danh điện tử VNeID: đăng ký, kích hoạt và sử dụng",
    summary=(
        "Hiểu tài khoản định danh điện tử mức 1 và mức 2; đăng ký mức 2 tại công an cấp xã; "
        "tự kích hoạt tài khoản trên ứng dụng VNeID; tích hợp giấy phép lái xe, thẻ bảo hiểm y tế "
        "và các giấy tờ khác; dùng VNeID để làm thủ tục và giữ tài khoản an toàn."
    ),
    owner="CA",
    target_groups=(CITIZENS, PUPILS, CIVIL_SERVANTS, WORKERS),
    competencies=("2.6", "2.3", "4.2"),
    level=1,
    hours="2.0",
    modules=(
        ModuleSpec(
            "Định danh điện tử là gì",
            (
                LessonSpec(
                    "Định danh điện tử và ứng dụng VNeID",
                    10,
                    """
<h3>Định danh điện tử là gì?</h3>
<p>Định danh điện tử là cách xác nhận “bạn là ai” trên môi trường mạng, giống như khi bạn xuất
trình thẻ căn cước ở nơi làm thủ tục. Tài khoản định danh điện tử do Bộ Công an cấp, gắn với
<strong>số định danh cá nhân</strong> của bạn (12 chữ số in trên thẻ căn cước hoặc căn cước công
dân) và được sử dụng qua ứng dụng <strong>VNeID</strong> trên điện thoại.</p>
<h3>Có tài khoản thì làm được gì?</h3>
<ul>
<li>Xuất trình giấy tờ ngay trên điện thoại: thẻ căn cước điện tử, giấy phép lái xe, thẻ bảo hiểm
y tế đã tích hợp.</li>
<li>Đăng nhập Cổng Dịch vụ công quốc gia và cổng dịch vụ công của tỉnh mà không cần tạo thêm tài
khoản.</li>
<li>Thông báo lưu trú, đề nghị cấp phiếu lý lịch tư pháp, phản ánh, tố giác tội phạm… ngay trên
ứng dụng.</li>
</ul>
<h3>Hai mức tài khoản</h3>
<ul>
<li><strong>Mức 1</strong>: gồm thông tin cá nhân và ảnh chân dung; dùng được một số tiện ích cơ
bản.</li>
<li><strong>Mức 2</strong>: có thêm vân tay và được xác thực trực tiếp tại cơ quan công an. Tài
khoản mức 2 có giá trị như việc xuất trình thẻ căn cước khi làm các giao dịch có yêu cầu, và dùng
được đầy đủ tiện ích.</li>
</ul>
<p>Vì vậy, mỗi người từ đủ 14 tuổi nên có tài khoản <strong>mức 2</strong>.</p>
""",
                ),
                LessonSpec(
                    "Đăng ký tài khoản mức 2 tại công an cấp xã",
                    10,
                    """
<h3>Chuẩn bị</h3>
<ul>
<li>Thẻ căn cước (hoặc căn cước công dân gắn chip) của chính mình.</li>
<li>Điện thoại với <strong>số thuê bao đứng tên chính mình</strong> (sim chính chủ): mã kích hoạt
sẽ gửi về số này.</li>
<li>Địa chỉ thư điện tử (nếu có).</li>
</ul>
<h3>Các bước tại công an cấp xã</h3>
<ol>
<li>Đến công an xã, phường (hoặc nơi làm thủ tục cấp thẻ căn cước).</li>
<li>Nói với cán bộ tiếp dân là bạn muốn đăng ký tài khoản định danh điện tử mức 2; cán bộ
hướng dẫn điền phiếu đề nghị.</li>
<li>Cán bộ chụp ảnh chân dung, thu nhận vân tay và kiểm tra thông tin của bạn trong Cơ sở dữ liệu
quốc gia về dân cư.</li>
<li>Về nhà chờ tin nhắn có mã kích hoạt gửi đến số điện thoại đã đăng ký.</li>
</ol>
<p>Đăng ký tài khoản định danh điện tử <strong>không mất phí</strong>. Người đi làm thẻ căn
cước có thể đăng ký tài khoản mức 2 cùng lúc.</p>
<p>Trẻ em dưới 14 tuổi không tự đăng ký: cha, mẹ hoặc người giám hộ đăng ký cho con thông qua
tài khoản mức 2 của mình.</p>
""",
                ),
            ),
        ),
        ModuleSpec(
            "Kích hoạt và sử dụng VNeID",
            (
                LessonSpec(
                    "Kích hoạt tài khoản trên điện thoại",
                    12,
                    """
<h3>Các bước kích hoạt</h3>
<ol>
<li>Tải ứng dụng <strong>VNeID</strong> từ CH Play (điện thoại Android) hoặc App Store (iPhone).
Chỉ tải từ kho ứng dụng chính thức, không cài theo đường link người khác gửi.</li>
<li>Mở ứng dụng, chọn <strong>Kích hoạt tài khoản định danh điện tử</strong>.</li>
<li>Nhập số định danh cá nhân (12 số) và số điện thoại đã đăng ký, chọn <strong>Gửi yêu
cầu</strong>.</li>
<li>Nhập mã kích hoạt (mã OTP) nhận được qua tin nhắn SMS.</li>
<li>Đặt mật khẩu theo hướng dẫn trên màn hình (đủ dài, có chữ hoa, chữ thường, chữ số và ký tự
đặc biệt), rồi nhập lại để xác nhận.</li>
<li>Đặt <strong>mã bảo vệ (passcode) gồm 6 chữ số</strong>: mã này dùng khi mở ví giấy tờ và khi
xác nhận các thao tác quan trọng.</li>
</ol>
<p>Sau khi đăng nhập, bạn có thể bật đăng nhập bằng vân tay hoặc khuôn mặt cho nhanh.</p>
<h3>Nếu gặp khó khăn</h3>
<ul>
<li>Mã kích hoạt chỉ dùng được trong thời gian ngắn: hết hạn thì chọn gửi lại mã.</li>
<li>Không nhận được tin nhắn: kiểm tra sim trong máy có đúng số đã đăng ký không.</li>
<li>Nhờ công an xã hoặc tổ công nghệ số cộng đồng ở thôn hướng dẫn trực tiếp.</li>
</ul>
""",
                ),
                LessonSpec(
                    "Tích hợp giấy tờ vào ví VNeID",
                    12,
                    """
<h3>Tích hợp giấy tờ là gì?</h3>
<p>Bạn có thể đưa thông tin giấy phép lái xe, thẻ bảo hiểm y tế, mã số thuế, đăng ký xe… vào
tài khoản VNeID. Khi đã tích hợp, bạn xuất trình ngay trên điện thoại: thẻ bảo hiểm y tế khi
đi khám chữa bệnh, giấy phép lái xe khi cảnh sát giao thông kiểm tra.</p>
<h3>Các bước</h3>
<ol>
<li>Đăng nhập VNeID, chọn <strong>Ví giấy tờ</strong>.</li>
<li>Chọn <strong>Tích hợp thông tin</strong>, rồi <strong>Tạo mới yêu cầu</strong>.</li>
<li>Chọn loại giấy tờ muốn tích hợp, ví dụ “Giấy phép lái xe” hoặc “Thẻ bảo hiểm y tế”.</li>
<li>Nhập số giấy tờ và các thông tin ứng dụng yêu cầu (ví dụ hạng bằng lái, ngày cấp).</li>
<li>Đánh dấu xác nhận cam kết, chọn <strong>Gửi yêu cầu</strong> và nhập mã bảo vệ 6 số.</li>
<li>Chờ cơ quan quản lý đối chiếu; ứng dụng báo kết quả trong mục thông báo.</li>
</ol>
<p>Nếu thông tin không khớp (ví dụ giấy phép lái xe cũ chưa cập nhật số định danh), bạn sẽ nhận
được thông báo từ chối: hãy liên hệ nơi cấp giấy tờ để cập nhật rồi gửi lại.</p>
""",
                ),
                LessonSpec(
                    "Dùng VNeID an toàn",
                    10,
                    """
<h3>Giữ tài khoản của mình</h3>
<ul>
<li><strong>Không đưa mật khẩu, mã bảo vệ, mã OTP cho bất kỳ ai</strong>, kể cả người xưng là
công an, cán bộ xã hay nhân viên nhà mạng.</li>
<li>Cơ quan công an <strong>không</strong> gọi điện hướng dẫn “kích hoạt”, “nâng cấp” hay “cập
nhật” tài khoản định danh điện tử, và không gửi đường link để cài ứng dụng.</li>
<li>Chỉ dùng ứng dụng VNeID tải từ CH Play hoặc App Store. Ứng dụng giả mạo thường được gửi qua
tin nhắn, Zalo, Facebook dưới dạng tệp cài đặt.</li>
<li>Khóa màn hình điện thoại bằng mật mã hoặc vân tay.</li>
</ul>
<h3>Khi đổi số điện thoại hoặc mất điện thoại</h3>
<p>Hãy đến công an cấp xã để được hỗ trợ khóa tạm thời tài khoản và cập nhật số điện thoại
mới. Khi đăng nhập trên điện thoại mới, ứng dụng sẽ yêu cầu xác thực lại.</p>
<h3>Đăng nhập dịch vụ khác bằng VNeID</h3>
<p>Trên Cổng Dịch vụ công quốc gia, chọn đăng nhập bằng tài khoản định danh điện tử, rồi nhập số
định danh và mật khẩu hoặc dùng ứng dụng VNeID quét mã QR. Trước khi quét, kiểm tra địa chỉ
trang web phải là <strong>dichvucong.gov.vn</strong>.</p>
""",
                ),
            ),
        ),
    ),
    quiz_title="Kiểm tra: tài khoản định danh điện tử VNeID",
    questions=(
        single(
            "Tài khoản định danh điện tử mức 2 khác mức 1 ở điểm nào?",
            ("Có thêm vân tay và được xác thực trực tiếp tại cơ quan công an", True),
            ("Chỉ dành cho cán bộ, công chức", False),
            ("Phải đóng phí hằng năm", False),
            ("Không cần số điện thoại", False),
            why="Mức 2 có thêm vân tay, được xác thực tại cơ quan công an và dùng được đầy đủ "
            "tiện ích.",
        ),
        true_false(
            "Tài khoản định danh điện tử mức 2 có giá trị như xuất trình thẻ căn cước khi làm "
            "các giao dịch có yêu cầu.",
            true=True,
        ),
        multiple(
            "Khi đến công an cấp xã đăng ký tài khoản mức 2, bạn cần mang theo những gì?",
            ("Thẻ căn cước hoặc căn cước công dân gắn chip của mình", True),
            ("Điện thoại có số thuê bao đứng tên chính mình", True),
            ("Sổ hộ khẩu bản giấy", False),
            ("Giấy xác nhận của trưởng thôn", False),
            why="Sổ hộ khẩu giấy không còn được sử dụng; thông tin cư trú đã có trong Cơ sở dữ "
            "liệu quốc gia về dân cư.",
        ),
        single(
            "Mã kích hoạt tài khoản VNeID được gửi cho bạn bằng cách nào?",
            ("Tin nhắn SMS đến số điện thoại đã đăng ký", True),
            ("Cán bộ công an gọi điện đọc mã", False),
            ("Thư gửi qua đường bưu điện", False),
            ("Tin nhắn Zalo từ một tài khoản lạ", False),
        ),
        single(
            "Muốn đưa thẻ bảo hiểm y tế vào VNeID, bạn chọn mục nào?",
            ("Ví giấy tờ → Tích hợp thông tin", True),
            ("Cài đặt → Đổi mật khẩu", False),
            ("Thông báo → Xóa tất cả", False),
            ("Gỡ ứng dụng rồi cài lại", False),
        ),
        true_false(
            "Một người gọi điện xưng là công an, đề nghị bạn đọc mã OTP để “nâng cấp” tài khoản "
            "VNeID. Bạn nên làm theo.",
            true=False,
            why="Công an không nâng cấp tài khoản qua điện thoại. Không đưa mã OTP cho ai.",
        ),
        multiple(
            "Những việc nào bạn làm được bằng ứng dụng VNeID?",
            ("Xuất trình giấy phép lái xe đã tích hợp", True),
            ("Đăng nhập Cổng Dịch vụ công quốc gia", True),
            ("Thông báo lưu trú", True),
            ("Chuyển tiền cho người khác", False),
        ),
    ),
)


# ---------------------------------------------------------------------------------------------
# 2. Using a smartphone
# ---------------------------------------------------------------------------------------------

SMARTPHONE = CourseSpec(
    code="BDHVS-02",
    title="Làm quen và sử dụng điện thoại thông minh",
    summary=(
        "Những thao tác cơ bản cho người mới dùng điện thoại thông minh: chạm, vuốt, chỉnh cỡ "
        "chữ; khóa màn hình; kết nối Wi-Fi và 4G; cài ứng dụng từ kho chính thức; gọi video, "
        "nhắn tin, chụp ảnh; giữ máy chạy tốt."
    ),
    owner="SKHCN",
    target_groups=(CITIZENS,),
    competencies=("5.1", "4.1", "2.1"),
    level=1,
    hours="2.5",
    modules=(
        ModuleSpec(
            "Những thao tác đầu tiên",
            (
                LessonSpec(
                    "Các nút, màn hình và thao tác chạm",
                    10,
                    """
<h3>Các bộ phận chính</h3>
<ul>
<li><strong>Nút nguồn</strong>: bấm nhanh để tắt hoặc bật màn hình; bấm giữ vài giây để tắt máy
hoặc khởi động lại.</li>
<li><strong>Nút âm lượng</strong>: tăng, giảm tiếng chuông và tiếng loa.</li>
<li><strong>Màn hình cảm ứng</strong>: bạn điều khiển máy bằng ngón tay.</li>
<li><strong>Cổng sạc</strong> và <strong>máy ảnh</strong> (camera) trước, sau.</li>
</ul>
<h3>Các thao tác chạm</h3>
<ul>
<li><strong>Chạm</strong> một lần để mở ứng dụng hoặc chọn.</li>
<li><strong>Chạm giữ</strong> để xem thêm lựa chọn.</li>
<li><strong>Vuốt</strong> lên, xuống để xem tiếp; vuốt từ mép trên xuống để mở thanh thông báo
và các nút nhanh (Wi-Fi, đèn pin, âm thanh).</li>
<li><strong>Đặt hai ngón tay rồi kéo ra</strong> để phóng to ảnh, chữ.</li>
</ul>
<h3>Chữ to, dễ đọc</h3>
<p>Vào <strong>Cài đặt</strong> → <strong>Màn hình</strong> → <strong>Cỡ chữ</strong> (tên mục
có thể hơi khác tùy máy) và kéo thanh trượt sang phải cho chữ to hơn.</p>
""",
                ),
                LessonSpec(
                    "Khóa màn hình và cập nhật phần mềm",
                    10,
                    """
<h3>Vì sao phải khóa màn hình?</h3>
<p>Điện thoại chứa danh bạ, ảnh, tài khoản ngân hàng và VNeID của bạn. Nếu máy bị mất hoặc có
người cầm nhầm, khóa màn hình giữ cho các thông tin đó an toàn.</p>
<h3>Cách đặt khóa màn hình</h3>
<ol>
<li>Mở <strong>Cài đặt</strong>.</li>
<li>Android: chọn <strong>Bảo mật</strong> (hoặc <strong>Màn hình khóa</strong>) →
<strong>Khóa màn hình</strong>. iPhone: chọn <strong>Face ID &amp; Mật mã</strong> hoặc
<strong>Touch ID &amp; Mật mã</strong>.</li>
<li>Chọn mã PIN (nên dùng 6 số), rồi nhập hai lần.</li>
<li>Thêm vân tay hoặc khuôn mặt để mở máy nhanh hơn.</li>
</ol>
<p>Không dùng mã dễ đoán như 123456, 000000 hay ngày sinh của mình.</p>
<h3>Cập nhật phần mềm</h3>
<p>Các bản cập nhật vá lỗi bảo mật. Vào <strong>Cài đặt</strong> → <strong>Cập nhật phần
mềm</strong>, cập nhật khi máy đang sạc và có Wi-Fi.</p>
""",
                ),
                LessonSpec(
                    "Kết nối Internet: Wi-Fi và dữ liệu di động",
                    8,
                    """
<h3>Kết nối Wi-Fi</h3>
<ol>
<li>Vuốt từ mép trên màn hình xuống, chạm giữ biểu tượng <strong>Wi-Fi</strong>.</li>
<li>Chọn tên mạng Wi-Fi của nhà mình (hoặc nơi mình đến).</li>
<li>Nhập mật khẩu Wi-Fi, chọn <strong>Kết nối</strong>.</li>
</ol>
<h3>Dùng dữ liệu di động (3G, 4G)</h3>
<p>Khi không có Wi-Fi, bật <strong>Dữ liệu di động</strong> ở thanh thông báo. Hãy hỏi nhà
mạng về gói cước phù hợp để không bị trừ tiền nhiều.</p>
<h3>Lưu ý</h3>
<ul>
<li>Wi-Fi công cộng (quán, chợ, bến xe) không an toàn cho việc chuyển tiền hay đăng nhập ngân
hàng: khi đó hãy dùng dữ liệu di động.</li>
<li>Biểu tượng cột sóng và Wi-Fi ở góc trên màn hình cho biết máy đang có kết nối.</li>
</ul>
""",
                ),
            ),
        ),
        ModuleSpec(
            "Ứng dụng hằng ngày",
            (
                LessonSpec(
                    "Cài ứng dụng từ kho chính thức",
                    10,
                    """
<h3>Kho ứng dụng chính thức</h3>
<p>Điện thoại Android dùng <strong>CH Play</strong> (Google Play), iPhone dùng <strong>App
Store</strong>. Ứng dụng ở đây được kiểm tra trước khi đưa lên, an toàn hơn nhiều so với tệp
cài đặt gửi qua tin nhắn.</p>
<h3>Các bước cài ứng dụng</h3>
<ol>
<li>Mở CH Play hoặc App Store, chạm vào ô tìm kiếm.</li>
<li>Gõ tên ứng dụng, ví dụ “VNeID” hoặc tên ứng dụng ngân hàng của bạn.</li>
<li>Kiểm tra <strong>tên nhà phát triển</strong>, số lượt tải và đánh giá để chắc đó là ứng
dụng thật.</li>
<li>Chạm <strong>Cài đặt</strong> (hoặc <strong>Nhận</strong>) và chờ tải xong, rồi chạm
<strong>Mở</strong>.</li>
</ol>
<h3>Quyền truy cập</h3>
<p>Khi ứng dụng xin quyền dùng máy ảnh, danh bạ, vị trí…, chỉ cho phép nếu thật sự cần cho việc
của ứng dụng. Một ứng dụng đèn pin không cần đọc danh bạ của bạn.</p>
<p><strong>Không bao giờ</strong> cài tệp có đuôi <strong>.apk</strong> do người lạ gửi: đó là
cách kẻ gian chiếm quyền điều khiển điện thoại.</p>
""",
                ),
                LessonSpec(
                    "Gọi video, nhắn tin và chụp ảnh",
                    12,
                    """
<h3>Gọi video với người thân</h3>
<ol>
<li>Cài ứng dụng nhắn tin quen thuộc (ví dụ Zalo) từ kho ứng dụng chính thức.</li>
<li>Đăng ký bằng số điện thoại của mình và nhập mã xác nhận gửi qua tin nhắn.</li>
<li>Tìm người thân bằng số điện thoại, chọn <strong>Kết bạn</strong>.</li>
<li>Mở cuộc trò chuyện, chạm biểu tượng <strong>máy quay</strong> để gọi video, biểu tượng
<strong>điện thoại</strong> để gọi thoại.</li>
</ol>
<h3>Chụp và gửi ảnh</h3>
<ul>
<li>Mở ứng dụng <strong>Máy ảnh</strong>, giữ máy chắc tay, chạm vào người hoặc vật cần chụp để
lấy nét, rồi bấm nút tròn.</li>
<li>Trong cuộc trò chuyện, chạm biểu tượng <strong>ảnh</strong> để chọn ảnh và gửi.</li>
<li>Có thể chụp ảnh giấy tờ để gửi cán bộ khi làm thủ tục, nhưng chỉ gửi cho đúng người, đúng
nơi.</li>
</ul>
<p>Hãy hỏi ý kiến trước khi chụp hoặc đăng ảnh của người khác lên mạng.</p>
""",
                ),
                LessonSpec(
                    "Pin, bộ nhớ và khi máy gặp trục trặc",
                    8,
                    """
<h3>Giữ pin tốt</h3>
<ul>
<li>Dùng bộ sạc đúng loại, không để máy quá nóng khi sạc.</li>
<li>Giảm độ sáng màn hình và tắt Wi-Fi, định vị khi không dùng để tiết kiệm pin.</li>
</ul>
<h3>Khi máy báo đầy bộ nhớ</h3>
<ol>
<li>Vào <strong>Cài đặt</strong> → <strong>Bộ nhớ</strong> để xem cái gì chiếm nhiều chỗ.</li>
<li>Xóa video, ảnh trùng hoặc không cần; gỡ ứng dụng không dùng đến.</li>
<li>Trong ứng dụng nhắn tin, xóa bớt tệp, video cũ đã tải về.</li>
</ol>
<h3>Khi máy chậm, treo</h3>
<p>Thử <strong>khởi động lại</strong> máy (bấm giữ nút nguồn, chọn Khởi động lại). Nếu vẫn lỗi,
nhờ người hiểu biết hoặc tổ công nghệ số cộng đồng xem giúp; đừng đưa máy cho người lạ “sửa” từ
xa qua điện thoại.</p>
""",
                ),
            ),
        ),
    ),
    quiz_title="Kiểm tra: sử dụng điện thoại thông minh",
    questions=(
        single(
            "Muốn mở thanh thông báo và các nút nhanh (Wi-Fi, đèn pin), bạn làm thế nào?",
            ("Vuốt từ mép trên màn hình xuống", True),
            ("Bấm giữ nút âm lượng", False),
            ("Tắt máy rồi bật lại", False),
            ("Rút sạc ra", False),
        ),
        single(
            "Mã khóa màn hình nào an toàn nhất?",
            ("Một dãy 6 số chỉ mình biết, không theo quy luật", True),
            ("123456", False),
            ("Ngày tháng năm sinh của mình", False),
            ("Không đặt mã để mở cho nhanh", False),
        ),
        true_false(
            "Nên cài ứng dụng từ tệp .apk do người lạ gửi qua tin nhắn nếu họ nói đó là ứng "
            "dụng của cơ quan nhà nước.",
            true=False,
            why="Chỉ cài ứng dụng từ CH Play hoặc App Store.",
        ),
        multiple(
            "Trước khi cài một ứng dụng trên CH Play hoặc App Store, bạn nên kiểm tra những gì?",
            ("Tên nhà phát triển", True),
            ("Số lượt tải và đánh giá", True),
            ("Màu của biểu tượng ứng dụng", False),
            ("Ứng dụng xin những quyền gì", True),
        ),
        true_false(
            "Wi-Fi công cộng ở quán, chợ không an toàn để đăng nhập ngân hàng và chuyển tiền.",
            true=True,
        ),
        single(
            "Máy báo đầy bộ nhớ. Việc nào nên làm trước?",
            ("Xem trong Cài đặt → Bộ nhớ và xóa video, ứng dụng không cần", True),
            ("Mua ngay điện thoại mới", False),
            ("Đưa máy cho người lạ gọi đến để sửa từ xa", False),
            ("Tắt khóa màn hình", False),
        ),
    ),
)


# ---------------------------------------------------------------------------------------------
# 3. Finding and judging information, spotting fake news
# ---------------------------------------------------------------------------------------------

INFORMATION = CourseSpec(
    code="BDHVS-03",
    title="Tìm kiếm, đánh giá thông tin và nhận diện tin giả",
    summary=(
        "Tìm thông tin nhanh và đúng bằng từ khóa; chọn nguồn đáng tin cậy; nhận ra dấu hiệu của "
        "tin giả, ảnh và video bị cắt ghép; kiểm chứng trước khi chia sẻ và ứng xử có trách nhiệm "
        "trên mạng."
    ),
    owner="SKHCN",
    target_groups=(CITIZENS, PUPILS, CIVIL_SERVANTS),
    competencies=("1.1", "1.2", "2.5"),
    level=2,
    hours="2.5",
    modules=(
        ModuleSpec(
            "Tìm kiếm thông tin hiệu quả",
            (
                LessonSpec(
                    "Tìm kiếm bằng từ khóa",
                    10,
                    """
<h3>Chọn từ khóa tốt</h3>
<p>Công cụ tìm kiếm (như Google, Cốc Cốc) tìm theo các từ bạn gõ. Hãy gõ <strong>ngắn gọn, cụ
thể</strong>: “thủ tục đăng ký khai sinh” tốt hơn “tôi muốn biết làm giấy khai sinh cho con thế
nào”.</p>
<h3>Mấy mẹo hữu ích</h3>
<ul>
<li>Đặt cụm từ trong <strong>dấu ngoặc kép</strong> để tìm đúng cụm đó: "giá lúa giống".</li>
<li>Thêm <strong>site:gov.vn</strong> để chỉ tìm trên trang của cơ quan nhà nước, ví dụ: đăng ký
khai sinh site:gov.vn.</li>
<li>Thêm năm hoặc địa danh để có thông tin mới và đúng nơi: lịch tiêm chủng 2025 kèm tên xã,
phường của bạn.</li>
<li>Dùng <strong>tìm kiếm bằng giọng nói</strong> (biểu tượng micro) nếu gõ chữ chậm.</li>
</ul>
<h3>Đọc kết quả</h3>
<p>Các kết quả đầu tiên có chữ <strong>“Được tài trợ”</strong> hoặc “Quảng cáo” là quảng cáo,
không phải kết quả phù hợp nhất. Hãy đọc tên trang web trước khi bấm vào.</p>
""",
                ),
                LessonSpec(
                    "Chọn nguồn thông tin đáng tin cậy",
                    10,
                    """
<h3>Nguồn đáng tin cậy</h3>
<ul>
<li>Trang của cơ quan nhà nước: địa chỉ kết thúc bằng <strong>.gov.vn</strong> (ví dụ
dichvucong.gov.vn).</li>
<li>Báo, đài chính thống có giấy phép hoạt động, ghi rõ tên tác giả, ngày đăng.</li>
<li>Trang chính thức của ngân hàng, nhà mạng, bệnh viện (kiểm tra kỹ địa chỉ).</li>
</ul>
<h3>Ba câu hỏi trước khi tin</h3>
<ol>
<li><strong>Ai</strong> đưa tin? Có tên cơ quan, tác giả rõ ràng không?</li>
<li><strong>Khi nào</strong>? Tin cũ nhiều năm có thể bị đăng lại như tin mới.</li>
<li><strong>Nơi khác</strong> có đưa tin giống vậy không? Hãy so sánh ít nhất hai nguồn
chính thống.</li>
</ol>
<p>Trang cá nhân, hội nhóm, kênh video của người lạ có thể đúng nhưng cũng có thể sai: đừng
coi đó là nguồn chính thức.</p>
""",
                ),
            ),
        ),
        ModuleSpec(
            "Nhận diện tin giả",
            (
                LessonSpec(
                    "Dấu hiệu của tin giả",
                    10,
                    """
<h3>Tin giả thường có những dấu hiệu sau</h3>
<ul>
<li>Tiêu đề <strong>giật gân, gây sốc</strong>, viết hoa nhiều, kêu gọi “chia sẻ ngay kẻo
muộn”.</li>
<li><strong>Không rõ nguồn</strong>: không có tên cơ quan, tác giả, ngày giờ.</li>
<li>Trang <strong>mạo danh</strong> báo chí hoặc cơ quan nhà nước, tên và biểu tượng gần giống
thật.</li>
<li>Ảnh, video <strong>cũ</strong> hoặc <strong>cắt ghép</strong>, được gán vào sự việc mới.</li>
<li>Đánh vào nỗi sợ, sự tức giận hoặc lòng thương để người đọc chia sẻ mà không suy nghĩ.</li>
<li>Quảng cáo thuốc “chữa khỏi mọi bệnh”, cách làm giàu nhanh, tặng quà miễn phí.</li>
</ul>
<p>Kẻ tung tin giả thường muốn gây hoang mang, kiếm tiền từ lượt xem, hoặc dẫn bạn tới trang
lừa đảo.</p>
""",
                ),
                LessonSpec(
                    "Kiểm chứng trước khi chia sẻ",
                    12,
                    """
<h3>Năm bước kiểm chứng</h3>
<ol>
<li><strong>Dừng lại</strong>: tin càng gây xúc động mạnh, càng cần bình tĩnh.</li>
<li><strong>Xem nguồn</strong>: trang nào đăng, có phải trang chính thức không.</li>
<li><strong>Tìm trên báo chí chính thống</strong> hoặc trang của cơ quan có thẩm quyền xem có tin
giống vậy không.</li>
<li><strong>Kiểm tra ảnh</strong>: dùng chức năng tìm kiếm bằng hình ảnh (ví dụ Google Ống
kính) để xem ảnh đã xuất hiện từ trước chưa, trong hoàn cảnh nào.</li>
<li><strong>Hỏi người hiểu biết</strong>: cán bộ thôn, xã, thầy cô, tổ công nghệ số cộng
đồng.</li>
</ol>
<p>Nếu vẫn còn nghi ngờ: <strong>không chia sẻ</strong>. Một lần bấm “chia sẻ” có thể đưa tin
sai tới hàng trăm người.</p>
""",
                ),
                LessonSpec(
                    "Ứng xử có trách nhiệm trên mạng",
                    10,
                    """
<h3>Pháp luật nói gì?</h3>
<p>Luật An ninh mạng cấm đăng tải, phát tán thông tin sai sự thật gây hoang mang trong nhân dân.
Người đăng hoặc chia sẻ tin sai sự thật có thể bị <strong>phạt tiền</strong>; trường hợp nghiêm
trọng có thể bị <strong>truy cứu trách nhiệm hình sự</strong>.</p>
<h3>Khi gặp tin giả</h3>
<ul>
<li>Dùng chức năng <strong>báo cáo</strong> bài viết trên mạng xã hội.</li>
<li>Phản ánh tới Trung tâm Xử lý tin giả Việt Nam tại <strong>tingia.gov.vn</strong>.</li>
<li>Nhắc nhẹ nhàng người thân nếu họ lỡ chia sẻ tin sai, kèm đường dẫn tin chính thức.</li>
</ul>
<h3>Văn hóa trên mạng</h3>
<ul>
<li>Tôn trọng người khác, không bình luận xúc phạm, không chia sẻ ảnh, thông tin riêng của người
khác khi chưa được đồng ý.</li>
<li>Suy nghĩ trước khi đăng: điều gì đã lên mạng thì rất khó xóa hết.</li>
</ul>
""",
                ),
            ),
        ),
    ),
    quiz_title="Kiểm tra: tìm kiếm thông tin và nhận diện tin giả",
    questions=(
        single(
            "Bạn muốn tìm thủ tục đăng ký khai sinh trên trang của cơ quan nhà nước. Cách gõ nào "
            "tốt nhất?",
            ("đăng ký khai sinh site:gov.vn", True),
            ("tôi muốn hỏi là làm giấy khai sinh ở đâu vậy mọi người", False),
            ("khai sinh nhanh giá rẻ", False),
            ("giấy tờ", False),
        ),
        true_false(
            "Kết quả tìm kiếm có chữ “Được tài trợ” luôn là nguồn chính thức đáng tin cậy nhất.",
            true=False,
            why="Đó là quảng cáo: người đăng trả tiền để được hiện lên đầu.",
        ),
        multiple(
            "Những dấu hiệu nào cho thấy một tin có thể là tin giả?",
            ("Tiêu đề giật gân, kêu gọi “chia sẻ ngay”", True),
            ("Không rõ tác giả, cơ quan đưa tin và ngày đăng", True),
            ("Được đăng trên trang có địa chỉ kết thúc bằng .gov.vn", False),
            ("Trang có tên và biểu tượng gần giống một tờ báo lớn", True),
        ),
        single(
            "Bạn nhận được một tin rất gây sốc trong nhóm Zalo của thôn. Việc nên làm đầu tiên là "
            "gì?",
            ("Dừng lại và kiểm tra nguồn trước khi tin hay chia sẻ", True),
            ("Chia sẻ ngay cho mọi người cùng biết", False),
            ("Bình luận chửi bới người liên quan", False),
            ("Chụp màn hình gửi sang các nhóm khác", False),
        ),
        single(
            "Muốn biết một bức ảnh đã từng xuất hiện trước đây hay chưa, bạn dùng cách nào?",
            ("Tìm kiếm bằng hình ảnh", True),
            ("Phóng to ảnh thật lớn", False),
            ("Đếm số lượt thích của bài đăng", False),
            ("Đổi ảnh sang màu đen trắng", False),
        ),
        true_false(
            "Người chia sẻ tin sai sự thật trên mạng có thể bị xử phạt, dù không phải là người "
            "viết ra tin đó.",
            true=True,
        ),
        single(
            "Bạn có thể phản ánh tin giả tới đâu?",
            ("Trung tâm Xử lý tin giả Việt Nam tại tingia.gov.vn", True),
            ("Người đã đăng tin giả", False),
            ("Một trang lạ tự xưng nhận phản ánh và đòi phí", False),
            ("Không thể phản ánh ở đâu", False),
        ),
    ),
)


# ---------------------------------------------------------------------------------------------
# 4. Passwords, phishing and online scams
# ---------------------------------------------------------------------------------------------

SCAMS = CourseSpec(
    code="BDHVS-04",
    title="An toàn tài khoản: mật khẩu, mã OTP và phòng tránh lừa đảo trực tuyến",
    summary=(
        "Đặt mật khẩu mạnh và bật xác thực hai lớp; giữ bí mật mã OTP; nhận diện cuộc gọi giả "
        "danh công an, ngân hàng, tin nhắn và trang web giả mạo (phishing), các chiêu lừa phổ "
        "biến; biết phải làm gì ngay khi bị lừa."
    ),
    owner="CA",
    target_groups=(CITIZENS, PUPILS, CIVIL_SERVANTS, WORKERS, ARMED_FORCES),
    competencies=("4.1", "4.2", "2.6"),
    level=1,
    hours="2.5",
    time_limit_minutes=20,
    modules=(
        ModuleSpec(
            "Bảo vệ tài khoản",
            (
                LessonSpec(
                    "Mật khẩu mạnh và xác thực hai lớp",
                    10,
                    """
<h3>Mật khẩu mạnh là mật khẩu thế nào?</h3>
<ul>
<li><strong>Dài</strong>: từ 12 ký tự trở lên. Một câu dễ nhớ là cách tốt, ví dụ
“Vuon-che-nha-toi-xanh-mat!”.</li>
<li><strong>Khó đoán</strong>: không dùng ngày sinh, số điện thoại, tên con, “123456”.</li>
<li><strong>Riêng cho từng tài khoản quan trọng</strong>: ngân hàng, thư điện tử, mạng xã hội
mỗi nơi một mật khẩu; lộ một nơi không mất tất cả.</li>
</ul>
<h3>Xác thực hai lớp</h3>
<p>Ngoài mật khẩu, bạn cần thêm một bước nữa (mã gửi về điện thoại, vân tay, khuôn mặt) mới
đăng nhập được. Kẻ gian biết mật khẩu vẫn không vào được tài khoản. Hãy bật tính năng này trong
phần <strong>Bảo mật</strong> của Zalo, Facebook, thư điện tử.</p>
<h3>Khi nghi bị lộ mật khẩu</h3>
<p>Đổi mật khẩu ngay, đăng xuất khỏi các thiết bị lạ và kiểm tra lại thông tin khôi phục (số
điện thoại, thư điện tử).</p>
""",
                ),
                LessonSpec(
                    "Mã OTP: không bao giờ đưa cho ai",
                    8,
                    """
<h3>Mã OTP là gì?</h3>
<p>OTP là mã dùng một lần, gửi qua tin nhắn hoặc hiện trong ứng dụng, để xác nhận một việc quan
trọng: chuyển tiền, đăng nhập, đổi mật khẩu. Ai có mã OTP của bạn có thể làm việc đó thay bạn.</p>
<h3>Quy tắc vàng</h3>
<ul>
<li><strong>Ngân hàng, công an, nhà mạng, cán bộ xã không bao giờ hỏi mã OTP của bạn.</strong>
</li>
<li>Đọc kỹ nội dung tin nhắn chứa mã: nếu ghi “chuyển tiền”, “đăng nhập trên thiết bị mới” mà
bạn không làm việc đó, tức là có người đang cố chiếm tài khoản.</li>
<li>Không nhập mã OTP vào trang web mở từ đường link trong tin nhắn lạ.</li>
</ul>
<h3>Lỡ đưa mã OTP cho người khác</h3>
<p>Gọi ngay số tổng đài của ngân hàng (in ở mặt sau thẻ hoặc trong ứng dụng) để khóa tài khoản,
rồi đổi mật khẩu.</p>
""",
                ),
            ),
        ),
        ModuleSpec(
            "Nhận diện thủ đoạn lừa đảo",
            (
                LessonSpec(
                    "Cuộc gọi giả danh công an, ngân hàng",
                    12,
                    """
<p>Kẻ gian gọi điện, gọi video qua Zalo, xưng là công an, viện kiểm sát, ngân hàng hay nhà
mạng. Chúng nói giọng nghiêm, đọc đúng họ tên, số căn cước của bạn (thông tin đã bị lộ từ trước)
để bạn tin và sợ.</p>
<h3>Các kịch bản thường gặp</h3>
<ul>
<li>“Tôi là công an, anh/chị liên quan đến một vụ án, đường dây rửa tiền. Hãy chuyển tiền vào
tài khoản tạm giữ để xác minh.”</li>
<li>“Ngân hàng cần cập nhật thông tin căn cước cho tài khoản, anh/chị bấm vào đường link này.”
</li>
<li>“Tôi hỗ trợ kích hoạt, nâng cấp tài khoản định danh điện tử mức 2 qua điện thoại.”</li>
</ul>
<h3>Sự thật</h3>
<ul>
<li>Cơ quan công an làm việc với công dân bằng <strong>giấy mời, giấy triệu tập</strong>,
không giải quyết vụ việc qua điện thoại và <strong>không bao giờ yêu cầu chuyển tiền</strong>.
</li>
<li>Ngân hàng không yêu cầu bạn đọc mật khẩu, mã OTP hay cài ứng dụng qua đường link.</li>
</ul>
<h3>Nên làm gì?</h3>
<ol>
<li>Không làm theo, <strong>dập máy</strong>.</li>
<li>Tự gọi lại số tổng đài chính thức của ngân hàng, hoặc đến trụ sở công an xã để hỏi.</li>
<li>Báo cho người thân, nhất là người cao tuổi, để họ cảnh giác.</li>
</ol>
""",
                ),
                LessonSpec(
                    "Tin nhắn, đường link và trang web giả mạo",
                    12,
                    """
<h3>Lừa đảo giả mạo (phishing) là gì?</h3>
<p>Kẻ gian gửi tin nhắn, thư điện tử giả danh ngân hàng, nhà mạng, điện lực, đơn vị giao hàng…
kèm một đường link. Trang web mở ra giống hệt trang thật để lừa bạn nhập tài khoản, mật khẩu,
mã OTP, hoặc để cài một ứng dụng độc hại.</p>
<h3>Dấu hiệu nhận biết</h3>
<ul>
<li>Nội dung thúc giục: “tài khoản sắp bị khóa”, “sắp cắt điện”, “nhận quà trong hôm nay”.</li>
<li>Địa chỉ trang web gần giống địa chỉ thật, thêm bớt chữ, dùng đuôi lạ hoặc link rút gọn.
</li>
<li>Ứng dụng lạ xin <strong>quyền trợ năng</strong> hay quyền điều khiển màn hình: đó là cách
chiếm điều khiển điện thoại.</li>
</ul>
<h3>Cách phòng tránh</h3>
<ul>
<li>Không bấm link trong tin nhắn lạ; tự mở ứng dụng hoặc tự gõ địa chỉ trang chính thức.</li>
<li>Kiểm tra một trang web trên <strong>tinnhiemmang.vn</strong> (các trang đã được xác thực có
nhãn tín nhiệm mạng).</li>
<li>Báo tin nhắn rác tới <strong>5656</strong>, cuộc gọi rác tới <strong>156</strong>.</li>
</ul>
""",
                ),
                LessonSpec(
                    "Các chiêu lừa phổ biến và khi bị lừa thì làm gì",
                    12,
                    """
<h3>Những chiêu lừa phổ biến</h3>
<ul>
<li><strong>Việc nhẹ lương cao</strong>, “làm nhiệm vụ” thích video, đặt đơn hàng ảo để nhận
hoa hồng: lúc đầu được trả ít tiền, sau đó bị đòi nộp số tiền lớn.</li>
<li><strong>Đầu tư</strong> tiền ảo, vàng, chứng khoán trên ứng dụng lạ hứa lãi rất cao.</li>
<li><strong>“Chuyển nhầm tiền”</strong> rồi đòi bạn chuyển trả sang một tài khoản khác.</li>
<li><strong>Người thân gặp nạn</strong>, cần tiền gấp (có khi kèm video, giọng nói giả).</li>
<li><strong>Trúng thưởng</strong>, nhận quà nhưng phải nộp phí trước; mua hàng trên trang lạ.</li>
</ul>
<h3>Khi đã bị lừa</h3>
<ol>
<li>Gọi ngay tổng đài ngân hàng đề nghị <strong>khóa tài khoản, chặn giao dịch</strong>.</li>
<li>Đổi mật khẩu, gỡ ứng dụng lạ vừa cài.</li>
<li><strong>Lưu bằng chứng</strong>: ảnh chụp tin nhắn, số điện thoại, số tài khoản nhận tiền.
</li>
<li><strong>Trình báo công an</strong> xã, phường gần nhất.</li>
<li>Phản ánh tại <strong>canhbao.khonggianmang.gov.vn</strong> để người khác được cảnh báo.</li>
</ol>
<p>Với tiền “chuyển nhầm” vào tài khoản của bạn: báo ngân hàng của mình xử lý, không tự chuyển
sang tài khoản khác theo lời người lạ.</p>
""",
                ),
            ),
        ),
    ),
    quiz_title="Kiểm tra: an toàn tài khoản và phòng tránh lừa đảo",
    questions=(
        single(
            "Mật khẩu nào mạnh nhất?",
            ("Mot-cau-de-nho-cua-rieng-minh-2025!", True),
            ("12345678", False),
            ("Ngày sinh của mình", False),
            ("Số điện thoại của mình", False),
        ),
        true_false(
            "Nhân viên ngân hàng thật có thể gọi điện hỏi mã OTP để giúp bạn mở khóa tài khoản.",
            true=False,
            why="Ngân hàng không bao giờ hỏi mã OTP.",
        ),
        single(
            "Một người xưng là công an gọi điện, nói bạn liên quan vụ án và yêu cầu chuyển tiền "
            "vào “tài khoản tạm giữ”. Bạn làm gì?",
            ("Dập máy, không chuyển tiền, đến công an xã để hỏi", True),
            ("Chuyển tiền ngay để chứng minh mình vô tội", False),
            ("Đọc số tài khoản ngân hàng của mình cho họ kiểm tra", False),
            ("Cài ứng dụng họ gửi để được hỗ trợ", False),
        ),
        multiple(
            "Những dấu hiệu nào cho thấy một tin nhắn có thể là lừa đảo giả mạo?",
            ("Thúc giục: “tài khoản sắp bị khóa trong hôm nay”", True),
            ("Kèm đường link có địa chỉ gần giống trang của ngân hàng", True),
            ("Yêu cầu nhập mật khẩu và mã OTP vào trang web", True),
            ("Được gửi từ tổng đài chính thức, không có link, chỉ báo số dư", False),
        ),
        true_false(
            "Bật xác thực hai lớp giúp tài khoản an toàn hơn kể cả khi mật khẩu bị lộ.",
            true=True,
        ),
        single(
            "Một ứng dụng vừa cài xin quyền trợ năng (điều khiển màn hình). Bạn nên làm gì?",
            ("Từ chối và gỡ ứng dụng đó", True),
            ("Đồng ý cho nhanh", False),
            ("Gửi mã OTP cho người hướng dẫn cài", False),
            ("Tắt khóa màn hình", False),
        ),
        multiple(
            "Khi phát hiện mình vừa bị lừa chuyển tiền, những việc nào cần làm ngay?",
            ("Gọi tổng đài ngân hàng đề nghị khóa tài khoản, chặn giao dịch", True),
            ("Lưu lại tin nhắn, số điện thoại, số tài khoản của kẻ gian", True),
            ("Trình báo công an xã, phường gần nhất", True),
            ("Xóa hết tin nhắn để quên chuyện đó", False),
        ),
        single(
            "Bạn báo tin nhắn rác, tin nhắn lừa đảo tới đầu số nào?",
            ("5656", True),
            ("113", False),
            ("115", False),
            ("1080", False),
        ),
    ),
)


# ---------------------------------------------------------------------------------------------
# 5. Online public services
# ---------------------------------------------------------------------------------------------

PUBLIC_SERVICES = CourseSpec(
    code="BDHVS-05",
    title="Làm thủ tục hành chính trên Cổng Dịch vụ công quốc gia",
    summary=(
        "Dịch vụ công trực tuyến toàn trình và một phần; đăng nhập Cổng Dịch vụ công quốc gia bằng "
        "tài khoản VNeID; tìm thủ tục, điền tờ khai, nộp hồ sơ; thanh toán phí, lệ phí; theo dõi "
        "và nhận kết quả; các thủ tục liên thông cho gia đình."
    ),
    owner="SNV",
    target_groups=(CITIZENS, CIVIL_SERVANTS, WORKERS),
    competencies=("2.3", "1.3", "2.6"),
    level=2,
    hours="2.5",
    modules=(
        ModuleSpec(
            "Làm quen với dịch vụ công trực tuyến",
            (
                LessonSpec(
                    "Dịch vụ công trực tuyến là gì?",
                    8,
                    """
<h3>Làm thủ tục không cần đến nhiều lần</h3>
<p>Dịch vụ công trực tuyến cho phép bạn nộp hồ sơ, theo dõi và nhận kết quả thủ tục hành chính
qua mạng: ở nhà, bất kỳ giờ nào, không phải xếp hàng.</p>
<h3>Nộp ở đâu?</h3>
<ul>
<li><strong>Cổng Dịch vụ công quốc gia</strong>: dichvucong.gov.vn, nơi có thủ tục của các bộ,
ngành và của tất cả các tỉnh.</li>
<li>Hệ thống giải quyết thủ tục hành chính của tỉnh, cũng đăng nhập bằng tài khoản VNeID.</li>
</ul>
<h3>Hai loại dịch vụ</h3>
<ul>
<li><strong>Toàn trình</strong>: nộp hồ sơ, xử lý và trả kết quả đều trên mạng.</li>
<li><strong>Một phần</strong>: nộp trên mạng, nhưng phải đến nộp bản gốc hoặc nhận kết quả
trực tiếp.</li>
</ul>
<p>Kết quả điện tử (ví dụ bản điện tử giấy khai sinh) có giá trị pháp lý và được lưu trong kho
dữ liệu của bạn để dùng lại cho lần sau.</p>
""",
                ),
                LessonSpec(
                    "Đăng nhập bằng tài khoản VNeID",
                    8,
                    """
<h3>Các bước đăng nhập</h3>
<ol>
<li>Mở trình duyệt, gõ địa chỉ <strong>dichvucong.gov.vn</strong>. Kiểm tra kỹ địa chỉ trên thanh
địa chỉ trước khi nhập bất cứ gì.</li>
<li>Chọn <strong>Đăng nhập</strong>, rồi chọn đăng nhập bằng <strong>tài khoản định danh điện
tử</strong> (VNeID).</li>
<li>Nhập số định danh cá nhân và mật khẩu VNeID, hoặc mở ứng dụng VNeID trên điện thoại để
<strong>quét mã QR</strong> hiện trên màn hình.</li>
<li>Xác nhận đăng nhập trên ứng dụng VNeID hoặc nhập mã OTP gửi về điện thoại.</li>
</ol>
<p>Thông tin cá nhân của bạn (họ tên, ngày sinh, nơi cư trú) được lấy từ Cơ sở dữ liệu quốc gia
về dân cư, nên nhiều tờ khai được điền sẵn.</p>
<p>Dùng xong trên máy tính chung (ở bộ phận một cửa, điểm bưu điện văn hóa xã), nhớ
<strong>đăng xuất</strong>.</p>
""",
                ),
            ),
        ),
        ModuleSpec(
            "Nộp hồ sơ và theo dõi kết quả",
            (
                LessonSpec(
                    "Tìm thủ tục và nộp hồ sơ",
                    12,
                    """
<h3>Các bước</h3>
<ol>
<li>Gõ tên thủ tục vào ô tìm kiếm, ví dụ “đăng ký khai sinh”, “cấp phiếu lý lịch tư pháp”.</li>
<li>Chọn đúng thủ tục và <strong>cơ quan giải quyết</strong> (tỉnh, xã nơi bạn cư trú).</li>
<li>Đọc phần <strong>thành phần hồ sơ</strong> để chuẩn bị giấy tờ.</li>
<li>Điền tờ khai; kiểm tra lại các thông tin được điền sẵn.</li>
<li>Tải lên ảnh chụp hoặc bản quét giấy tờ: chụp thẳng, đủ sáng, rõ chữ, không mất góc.</li>
<li>Chọn cách nhận kết quả: trên mạng, qua bưu điện hoặc nhận trực tiếp.</li>
<li>Bấm <strong>Nộp hồ sơ</strong> và ghi lại <strong>mã hồ sơ</strong> để tra cứu.</li>
</ol>
<p>Mỗi thủ tục ghi rõ thời hạn giải quyết và phí, lệ phí (nếu có). Nhiều thủ tục nộp trực tuyến
được giảm lệ phí.</p>
""",
                ),
                LessonSpec(
                    "Thanh toán phí, lệ phí và theo dõi hồ sơ",
                    10,
                    """
<h3>Thanh toán trực tuyến</h3>
<p>Nếu thủ tục có phí, lệ phí, cổng sẽ hiện nút <strong>Thanh toán</strong>. Bạn chọn ngân hàng
hoặc ví điện tử, quét mã QR hoặc đăng nhập ứng dụng ngân hàng để trả. Biên lai điện tử được lưu
cùng hồ sơ.</p>
<h3>Theo dõi hồ sơ</h3>
<ul>
<li>Vào mục <strong>Quản lý hồ sơ đã nộp</strong> hoặc tra cứu bằng mã hồ sơ.</li>
<li>Cổng gửi tin nhắn hoặc thư điện tử khi hồ sơ được tiếp nhận, cần bổ sung hoặc có kết quả.
</li>
<li>Khi được yêu cầu <strong>bổ sung</strong>, làm theo hướng dẫn và nộp lại trên cùng hồ sơ.
</li>
</ul>
<h3>Đánh giá</h3>
<p>Sau khi nhận kết quả, hãy đánh giá mức độ hài lòng: ý kiến của bạn giúp cơ quan nhà nước phục
vụ tốt hơn.</p>
""",
                ),
                LessonSpec(
                    "Thủ tục liên thông cho gia đình",
                    10,
                    """
<h3>Một lần nộp, nhiều việc được giải quyết</h3>
<p>Có hai nhóm thủ tục liên thông mà gia đình nào cũng cần:</p>
<ul>
<li><strong>Khi sinh con</strong>: đăng ký khai sinh, đăng ký thường trú và cấp thẻ bảo hiểm y
tế cho trẻ dưới 6 tuổi.</li>
<li><strong>Khi có người mất</strong>: đăng ký khai tử, xóa đăng ký thường trú và giải quyết mai
táng phí, trợ cấp tuất (nếu có).</li>
</ul>
<h3>Nộp hồ sơ liên thông khi sinh con</h3>
<ol>
<li>Đăng nhập Cổng Dịch vụ công quốc gia (hoặc ứng dụng VNeID, mục thủ tục hành chính).</li>
<li>Chọn nhóm thủ tục liên thông đăng ký khai sinh, thường trú, cấp thẻ bảo hiểm y tế.</li>
<li>Điền thông tin của trẻ, của cha mẹ; tải lên ảnh giấy chứng sinh.</li>
<li>Nộp hồ sơ và theo dõi kết quả như các thủ tục khác.</li>
</ol>
<p>Nếu chưa quen, hãy đến bộ phận một cửa của xã hoặc nhờ tổ công nghệ số cộng đồng ở thôn hướng
dẫn nộp lần đầu.</p>
""",
                ),
            ),
        ),
    ),
    quiz_title="Kiểm tra: dịch vụ công trực tuyến",
    questions=(
        single(
            "Địa chỉ Cổng Dịch vụ công quốc gia là gì?",
            ("dichvucong.gov.vn", True),
            ("dichvucong-online.com", False),
            ("dvc.vn.net", False),
            ("congdichvu.top", False),
        ),
        single(
            "Dịch vụ công trực tuyến “toàn trình” nghĩa là gì?",
            ("Nộp hồ sơ, xử lý và trả kết quả đều thực hiện trên mạng", True),
            ("Phải đến cơ quan nhà nước ít nhất ba lần", False),
            ("Chỉ xem thông tin, không nộp được hồ sơ", False),
            ("Chỉ dành cho doanh nghiệp", False),
        ),
        true_false(
            "Người dân có thể đăng nhập Cổng Dịch vụ công quốc gia bằng tài khoản định danh điện "
            "tử VNeID.",
            true=True,
        ),
        multiple(
            "Ảnh giấy tờ tải lên hồ sơ cần thế nào?",
            ("Chụp thẳng, rõ chữ", True),
            ("Đủ sáng, không mất góc", True),
            ("Càng mờ càng tốt để bảo mật", False),
            ("Đúng giấy tờ mà thủ tục yêu cầu", True),
        ),
        single(
            "Sau khi nộp hồ sơ, bạn cần ghi lại thông tin gì để tra cứu?",
            ("Mã hồ sơ", True),
            ("Mật khẩu VNeID", False),
            ("Mã OTP vừa nhận", False),
            ("Số seri điện thoại", False),
        ),
        multiple(
            "Khi sinh con, nhóm thủ tục liên thông giải quyết những việc nào?",
            ("Đăng ký khai sinh", True),
            ("Đăng ký thường trú", True),
            ("Cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi", True),
            ("Cấp giấy phép lái xe", False),
        ),
        true_false(
            "Dùng Cổng Dịch vụ công trên máy tính chung xong thì không cần đăng xuất.",
            true=False,
        ),
    ),
)


# ---------------------------------------------------------------------------------------------
# 6. Cashless payment
# ---------------------------------------------------------------------------------------------

CASHLESS = CourseSpec(
    code="BDHVS-06",
    title="Thanh toán không dùng tiền mặt an toàn",
    summary=(
        "Tài khoản ngân hàng, ứng dụng ngân hàng số và ví điện tử; thanh toán bằng mã QR; trả "
        "tiền điện, nước, học phí và nhận tiền trợ cấp qua tài khoản; xác thực sinh trắc học; "
        "những điều không bao giờ làm để giữ tiền của mình."
    ),
    owner="SKHCN",
    target_groups=(CITIZENS, WORKERS),
    competencies=("5.2", "4.2", "2.1"),
    level=1,
    hours="2.0",
    modules=(
        ModuleSpec(
            "Các cách thanh toán số",
            (
                LessonSpec(
                    "Ngân hàng số và ví điện tử",
                    10,
                    """
<h3>Tài khoản ngân hàng và ứng dụng ngân hàng số</h3>
<p>Bạn có thể mở tài khoản thanh toán ngay trên ứng dụng của ngân hàng: chụp thẻ căn cước, quay
khuôn mặt theo hướng dẫn, không cần ra quầy. Ứng dụng ngân hàng số giúp chuyển tiền, trả hóa
đơn, xem số dư mọi lúc.</p>
<h3>Ví điện tử</h3>
<p>Ví điện tử (ví dụ MoMo, ZaloPay, VNPT Money, Viettel Money) là ứng dụng giữ tiền để thanh
toán. Ví phải <strong>liên kết với tài khoản ngân hàng</strong> đứng tên chính mình.</p>
<h3>Bắt đầu thế nào?</h3>
<ol>
<li>Chọn một ngân hàng bạn tin tưởng, tải ứng dụng chính thức từ CH Play hoặc App Store.</li>
<li>Mở tài khoản theo hướng dẫn hoặc ra chi nhánh, phòng giao dịch để được hỗ trợ.</li>
<li>Đặt mật khẩu đăng nhập và mã PIN giao dịch riêng, không trùng nhau.</li>
<li>Đăng ký nhận thông báo biến động số dư.</li>
</ol>
""",
                ),
                LessonSpec(
                    "Thanh toán bằng mã QR",
                    10,
                    """
<p>Mã QR là ô vuông gồm các chấm đen trắng chứa số tài khoản và tên người nhận. Quét mã giúp
trả tiền nhanh mà không phải gõ số tài khoản, tránh chuyển nhầm.</p>
<h3>Các bước trả tiền bằng mã QR</h3>
<ol>
<li>Mở ứng dụng ngân hàng (hoặc ví điện tử), chọn <strong>Quét mã QR</strong>.</li>
<li>Đưa máy ảnh vào mã QR của người bán.</li>
<li><strong>Kiểm tra tên người nhận</strong> hiện trên màn hình có đúng là cửa hàng, người
bán không.</li>
<li>Nhập số tiền (nếu mã chưa có sẵn) và kiểm tra lại số tiền.</li>
<li>Xác nhận bằng mã PIN, vân tay hoặc khuôn mặt.</li>
<li>Cho người bán xem màn hình “giao dịch thành công”, hoặc để người bán kiểm tra thông báo.</li>
</ol>
<h3>Lưu ý</h3>
<ul>
<li>Mã QR chuẩn chung (VietQR) quét được bằng ứng dụng của hầu hết các ngân hàng.</li>
<li>Cẩn thận với mã QR dán đè lên mã thật ở nơi công cộng: luôn xem tên người nhận trước khi
xác nhận.</li>
</ul>
""",
                ),
                LessonSpec(
                    "Trả hóa đơn và nhận tiền trợ cấp qua tài khoản",
                    8,
                    """
<h3>Trả tiền điện, nước, học phí</h3>
<ol>
<li>Trong ứng dụng ngân hàng, chọn <strong>Thanh toán hóa đơn</strong>.</li>
<li>Chọn loại dịch vụ (điện, nước, viễn thông, học phí) và nhà cung cấp.</li>
<li>Nhập <strong>mã khách hàng</strong> in trên hóa đơn, kiểm tra tên chủ hợp đồng và số
tiền.</li>
<li>Xác nhận thanh toán. Có thể đăng ký tự động trích nợ hằng tháng.</li>
</ol>
<h3>Nhận tiền qua tài khoản</h3>
<p>Lương hưu, trợ cấp xã hội, tiền hỗ trợ có thể nhận thẳng vào tài khoản: nhanh, đủ, không phải
đi lại. Hãy đăng ký số tài khoản với nơi chi trả (bảo hiểm xã hội, ủy ban xã).</p>
<p>Lịch sử giao dịch trong ứng dụng là bằng chứng bạn đã trả hoặc đã nhận tiền: không cần giữ
biên lai giấy.</p>
""",
                ),
            ),
        ),
        ModuleSpec(
            "An toàn khi thanh toán",
            (
                LessonSpec(
                    "Xác thực sinh trắc học và hạn mức giao dịch",
                    8,
                    """
<h3>Xác thực bằng khuôn mặt</h3>
<p>Từ ngày 1/7/2024, theo quy định của Ngân hàng Nhà nước, giao dịch chuyển tiền trên 10 triệu
đồng một lần, hoặc tổng trên 20 triệu đồng trong một ngày, phải xác thực bằng
<strong>khuôn mặt</strong> khớp với dữ liệu trên thẻ căn cước gắn chip. Lần đầu đăng nhập ứng
dụng ngân hàng trên điện thoại mới cũng phải xác thực như vậy.</p>
<p>Nhờ đó, kẻ gian có lấy được mật khẩu cũng khó chuyển tiền lớn khỏi tài khoản của bạn.</p>
<h3>Các cài đặt nên dùng</h3>
<ul>
<li>Đặt <strong>hạn mức giao dịch</strong> trong ngày vừa với nhu cầu.</li>
<li>Bật <strong>thông báo biến động số dư</strong> để biết ngay khi có tiền ra, vào.</li>
<li>Khóa màn hình điện thoại; không cho người khác mượn máy đang đăng nhập ứng dụng ngân hàng.
</li>
</ul>
""",
                ),
                LessonSpec(
                    "Những điều không bao giờ làm",
                    8,
                    """
<p>Phần lớn các vụ mất tiền xảy ra vì người bị hại tự làm theo lời kẻ gian. Hãy nhớ những điều
dưới đây và nhắc người thân trong gia đình, nhất là ông bà, cha mẹ.</p>
<h3>Không bao giờ</h3>
<ul>
<li>Đưa mật khẩu, mã PIN, mã OTP cho bất kỳ ai, kể cả người xưng là nhân viên ngân hàng.</li>
<li>Quét mã QR hay bấm link của người lạ để “nhận tiền”: nhận tiền <strong>không</strong> cần
nhập mật khẩu hay mã OTP.</li>
<li>Chuyển trả tiền “chuyển nhầm” sang một tài khoản khác theo lời người lạ: hãy báo ngân hàng
của mình xử lý.</li>
<li>Cho thuê, cho mượn, mua bán tài khoản ngân hàng: đó là hành vi vi phạm pháp luật, tài khoản
có thể bị kẻ gian dùng để lừa đảo.</li>
</ul>
<h3>Khi mất điện thoại hoặc thấy giao dịch lạ</h3>
<ol>
<li>Gọi ngay tổng đài ngân hàng để khóa dịch vụ ngân hàng số.</li>
<li>Báo nhà mạng khóa sim.</li>
<li>Ra chi nhánh ngân hàng để lấy lại quyền truy cập và kiểm tra giao dịch.</li>
</ol>
""",
                ),
            ),
        ),
    ),
    quiz_title="Kiểm tra: thanh toán không dùng tiền mặt",
    questions=(
        single(
            "Trước khi xác nhận trả tiền bằng mã QR, điều quan trọng nhất cần kiểm tra là gì?",
            ("Tên người nhận và số tiền hiện trên màn hình", True),
            ("Màu của mã QR", False),
            ("Độ sáng màn hình", False),
            ("Số lượng ứng dụng trên máy", False),
        ),
        true_false(
            "Để nhận tiền người khác chuyển đến, bạn cần nhập mã OTP vào đường link họ gửi.",
            true=False,
            why="Nhận tiền không cần mật khẩu hay mã OTP. Yêu cầu như vậy là lừa đảo.",
        ),
        single(
            "Giao dịch nào phải xác thực bằng khuôn mặt theo quy định từ 1/7/2024?",
            ("Chuyển trên 10 triệu đồng một lần", True),
            ("Xem số dư tài khoản", False),
            ("Đổi hình nền ứng dụng", False),
            ("Mọi giao dịch dưới 10 nghìn đồng", False),
        ),
        multiple(
            "Những cài đặt nào giúp tài khoản ngân hàng an toàn hơn?",
            ("Bật thông báo biến động số dư", True),
            ("Đặt hạn mức giao dịch trong ngày", True),
            ("Dùng ngày sinh làm mã PIN", False),
            ("Khóa màn hình điện thoại", True),
        ),
        single(
            "Có người báo “chuyển nhầm” tiền vào tài khoản của bạn và nhờ chuyển trả sang một tài "
            "khoản khác. Bạn làm gì?",
            ("Báo ngân hàng của mình để ngân hàng xử lý", True),
            ("Chuyển ngay sang tài khoản họ chỉ định", False),
            ("Rút tiền mặt ra đưa cho họ", False),
            ("Gửi mã OTP cho họ để họ tự lấy lại", False),
        ),
        true_false(
            "Cho người khác thuê hoặc mua tài khoản ngân hàng của mình là vi phạm pháp luật.",
            true=True,
        ),
        single(
            "Để trả tiền điện trong ứng dụng ngân hàng, bạn cần thông tin nào trên hóa đơn?",
            ("Mã khách hàng", True),
            ("Số điện thoại của nhân viên ghi chỉ số", False),
            ("Mật khẩu của ứng dụng điện lực", False),
            ("Mã OTP của hóa đơn tháng trước", False),
        ),
    ),
)


# ---------------------------------------------------------------------------------------------
# 7. Keeping children safe online
# ---------------------------------------------------------------------------------------------

CHILDREN = CourseSpec(
    code="BDHVS-07",
    title="Bảo vệ trẻ em trên môi trường mạng",
    summary=(
        "Dành cho cha mẹ, thầy cô: những nguy cơ trẻ gặp trên mạng và dấu hiệu cảnh báo; cài đặt "
        "an toàn trên điện thoại của trẻ; thỏa thuận thời gian dùng; cách giúp trẻ khi bị bắt nạt "
        "hay bị xâm hại trên mạng và những nơi cần báo."
    ),
    owner="SGDDT",
    target_groups=(CITIZENS, CIVIL_SERVANTS, PUPILS),
    competencies=("4.3", "4.2", "2.5"),
    level=2,
    hours="2.0",
    modules=(
        ModuleSpec(
            "Hiểu các nguy cơ",
            (
                LessonSpec(
                    "Trẻ em gặp những nguy cơ gì trên mạng?",
                    10,
                    """
<h3>Những nguy cơ chính</h3>
<ul>
<li><strong>Nội dung không phù hợp</strong>: bạo lực, khiêu dâm, thử thách nguy hiểm.</li>
<li><strong>Bắt nạt trên mạng</strong>: bị chế giễu, đe dọa, lan truyền ảnh, tin đồn.</li>
<li><strong>Người xấu làm quen</strong>: giả làm bạn cùng tuổi, tặng quà, xin ảnh riêng tư, hẹn
gặp, rồi đe dọa.</li>
<li><strong>Lộ thông tin cá nhân</strong>: tên trường, địa chỉ nhà, vị trí trong ảnh.</li>
<li><strong>Lừa đảo trong trò chơi</strong>: nạp thẻ, “tặng đồ”, đòi tài khoản của cha mẹ.</li>
<li><strong>Dùng quá nhiều</strong>: thiếu ngủ, giảm vận động, kết quả học tập đi xuống.</li>
</ul>
<p>Cấm hẳn điện thoại không phải là cách tốt nhất: trẻ cần học dùng mạng an toàn, với sự đồng
hành của người lớn.</p>
""",
                ),
                LessonSpec(
                    "Dấu hiệu trẻ đang gặp chuyện",
                    8,
                    """
<h3>Hãy để ý khi trẻ</h3>
<ul>
<li>Thay đổi tâm trạng sau khi dùng điện thoại: buồn, sợ, cáu gắt.</li>
<li>Giấu điện thoại, tắt màn hình khi có người lại gần, xóa tin nhắn.</li>
<li>Không muốn đến trường hoặc tránh gặp bạn bè.</li>
<li>Mất ngủ, thức khuya dùng máy.</li>
<li>Có quà, tiền, thẻ nạp không rõ nguồn gốc; nhắc đến “người bạn” lớn tuổi quen trên mạng.</li>
</ul>
<h3>Nên làm gì?</h3>
<p>Chọn lúc yên tĩnh để hỏi chuyện, lắng nghe, <strong>không quát mắng</strong>. Trẻ chỉ kể
khi tin rằng mình sẽ được giúp chứ không bị phạt.</p>
""",
                ),
            ),
        ),
        ModuleSpec(
            "Cha mẹ, thầy cô cùng đồng hành",
            (
                LessonSpec(
                    "Cài đặt an toàn trên thiết bị của trẻ",
                    12,
                    """
<h3>Điện thoại Android: Google Family Link</h3>
<ol>
<li>Cài ứng dụng <strong>Google Family Link</strong> trên điện thoại của cha mẹ.</li>
<li>Làm theo hướng dẫn để thêm tài khoản Google của con (hoặc tạo tài khoản mới cho con).</li>
<li>Đăng nhập tài khoản đó trên máy của con và đồng ý cho cha mẹ quản lý.</li>
<li>Đặt giới hạn thời gian dùng mỗi ngày, giờ đi ngủ, và yêu cầu cha mẹ duyệt trước khi con cài
ứng dụng.</li>
</ol>
<h3>iPhone, iPad: Thời gian sử dụng</h3>
<p>Vào <strong>Cài đặt</strong> → <strong>Thời gian sử dụng</strong> → <strong>Giới hạn nội
dung &amp; quyền riêng tư</strong>: chặn nội dung người lớn, giới hạn ứng dụng theo độ tuổi, đặt
mật mã riêng mà con không biết.</p>
<h3>Thêm vài cài đặt</h3>
<ul>
<li>Dùng <strong>YouTube Kids</strong> cho trẻ nhỏ; bật tìm kiếm an toàn.</li>
<li>Hầu hết mạng xã hội chỉ cho người từ 13 tuổi: đừng tạo tài khoản khai sai tuổi cho con.</li>
<li>Tắt chia sẻ vị trí trong các ứng dụng của con.</li>
</ul>
""",
                ),
                LessonSpec(
                    "Thỏa thuận và trò chuyện với con",
                    10,
                    """
<h3>Cùng con lập thỏa thuận</h3>
<ul>
<li>Dùng máy bao lâu mỗi ngày; không dùng trong bữa ăn và một giờ trước khi ngủ.</li>
<li>Để máy ở phòng chung, không mang vào phòng ngủ ban đêm.</li>
<li>Ứng dụng, trò chơi nào được dùng; cài mới phải hỏi cha mẹ.</li>
</ul>
<h3>Dạy con bốn điều “không”</h3>
<ol>
<li><strong>Không</strong> cho người lạ biết họ tên, trường, địa chỉ, số điện thoại.</li>
<li><strong>Không</strong> gặp người quen trên mạng nếu không có cha mẹ đi cùng.</li>
<li><strong>Không</strong> gửi ảnh, video riêng tư cho bất kỳ ai.</li>
<li><strong>Không</strong> giữ bí mật khi bị đe dọa: kể ngay với cha mẹ, thầy cô.</li>
</ol>
<p>Cha mẹ cũng cần làm gương: bớt dùng điện thoại khi ở bên con.</p>
""",
                ),
                LessonSpec(
                    "Khi trẻ bị bắt nạt hoặc bị xâm hại trên mạng",
                    10,
                    """
<h3>Các bước giúp trẻ</h3>
<ol>
<li>Giữ bình tĩnh, trấn an trẻ: đó không phải lỗi của con.</li>
<li><strong>Lưu bằng chứng</strong>: chụp màn hình tin nhắn, tên tài khoản, đường link.</li>
<li><strong>Chặn và báo cáo</strong> tài khoản đó trên mạng xã hội, trò chơi.</li>
<li>Không trả đũa, không tự đi “nói chuyện” với kẻ xấu.</li>
<li>Báo nhà trường; nếu có đe dọa, tống tiền hoặc xâm hại, <strong>trình báo công an</strong>.
</li>
</ol>
<h3>Gọi 111</h3>
<p><strong>Tổng đài quốc gia bảo vệ trẻ em 111</strong> miễn phí, hoạt động suốt ngày đêm, tiếp
nhận tin báo và tư vấn cách giúp trẻ.</p>
<h3>Đăng ảnh của con</h3>
<p>Cân nhắc trước khi đăng ảnh con lên mạng, không đăng ảnh kèm tên trường, đồng phục, vị trí.
Theo quy định về bảo vệ dữ liệu cá nhân, thông tin của trẻ từ đủ 7 tuổi cần có sự đồng ý của cả
trẻ và cha mẹ.</p>
""",
                ),
            ),
        ),
    ),
    quiz_title="Kiểm tra: bảo vệ trẻ em trên môi trường mạng",
    questions=(
        multiple(
            "Những nguy cơ nào trẻ em có thể gặp trên mạng?",
            ("Bị bắt nạt, chế giễu, đe dọa", True),
            ("Người lạ làm quen, xin ảnh riêng tư", True),
            ("Lộ địa chỉ nhà, tên trường", True),
            ("Điện thoại tự hết pin khi xem video", False),
        ),
        single(
            "Trên điện thoại Android, ứng dụng nào giúp cha mẹ giới hạn thời gian dùng và duyệt "
            "ứng dụng của con?",
            ("Google Family Link", True),
            ("Máy tính bỏ túi", False),
            ("Đèn pin", False),
            ("Ghi âm", False),
        ),
        true_false(
            "Khi con kể bị bắt nạt trên mạng, cha mẹ nên quát mắng và tịch thu điện thoại ngay để "
            "con sợ.",
            true=False,
            why="Hãy bình tĩnh, lắng nghe và giúp con: trẻ chỉ kể khi tin mình được giúp.",
        ),
        single(
            "Số điện thoại của Tổng đài quốc gia bảo vệ trẻ em là số nào?",
            ("111", True),
            ("113", False),
            ("114", False),
            ("1080", False),
        ),
        multiple(
            "Khi trẻ bị đe dọa trên mạng, những việc nào nên làm?",
            ("Lưu bằng chứng: chụp màn hình tin nhắn, tên tài khoản", True),
            ("Chặn và báo cáo tài khoản đó", True),
            ("Báo nhà trường, trình báo công an nếu bị đe dọa, tống tiền", True),
            ("Nhắn tin trả đũa kẻ bắt nạt", False),
        ),
        true_false(
            "Nên đặt điện thoại ở phòng chung và không để trẻ mang vào phòng ngủ ban đêm.",
            true=True,
        ),
    ),
)


# ---------------------------------------------------------------------------------------------
# 8. Using AI tools safely and responsibly
# ---------------------------------------------------------------------------------------------

AI = CourseSpec(
    code="BDHVS-08",
    title="Sử dụng trí tuệ nhân tạo (AI) an toàn, có trách nhiệm",
    summary=(
        "Trí tuệ nhân tạo là gì, AI tạo sinh làm được gì và không làm được gì; cách đặt câu hỏi "
        "cho trợ lý AI; kiểm tra lại câu trả lời; bảo vệ thông tin cá nhân và thông tin của cơ "
        "quan; nhận diện video, giọng nói giả do AI tạo ra và dùng AI có trách nhiệm."
    ),
    owner="SKHCN",
    target_groups=(CITIZENS, PUPILS, CIVIL_SERVANTS, WORKERS),
    competencies=("6.1", "6.2", "6.3"),
    level=2,
    hours="2.5",
    modules=(
        ModuleSpec(
            "Hiểu về trí tuệ nhân tạo",
            (
                LessonSpec(
                    "Trí tuệ nhân tạo là gì?",
                    8,
                    """
<h3>AI ở quanh ta</h3>
<p>Trí tuệ nhân tạo (AI) là phần mềm học từ rất nhiều dữ liệu để nhận ra hình ảnh, giọng nói,
dự đoán và tạo ra nội dung. Bạn đã dùng AI khi:</p>
<ul>
<li>nói vào điện thoại để gõ chữ, hoặc nhờ dịch một câu tiếng nước ngoài;</li>
<li>mở khóa máy bằng khuôn mặt;</li>
<li>thấy mạng xã hội gợi ý video “hợp” với mình.</li>
</ul>
<h3>AI tạo sinh và trợ lý AI</h3>
<p>Các trợ lý AI dạng trò chuyện (ví dụ ChatGPT, Gemini, Copilot) có thể viết thư, tóm tắt văn
bản, trả lời câu hỏi, gợi ý ý tưởng bằng tiếng Việt. Chúng tạo câu trả lời bằng cách dự đoán
những từ phù hợp nhất dựa trên dữ liệu đã học, <strong>không “hiểu” và không tự kiểm chứng như
con người</strong>.</p>
""",
                ),
                LessonSpec(
                    "AI làm được gì, không làm được gì",
                    10,
                    """
<h3>Việc AI làm tốt</h3>
<ul>
<li>Soạn nháp thư, đơn, thông báo, rồi bạn sửa lại.</li>
<li>Tóm tắt một văn bản dài, giải thích một khái niệm khó bằng lời dễ hiểu.</li>
<li>Gợi ý ý tưởng: thực đơn, kế hoạch học tập, cách trình bày.</li>
<li>Dịch và sửa lỗi chính tả.</li>
</ul>
<h3>Giới hạn cần nhớ</h3>
<ul>
<li>AI có thể <strong>“bịa”</strong> thông tin nghe rất thuyết phục: số liệu, tên văn bản luật,
trích dẫn không có thật.</li>
<li>Thông tin có thể <strong>cũ</strong> hoặc thiên lệch theo dữ liệu mà AI đã học.</li>
<li>AI không thay thế bác sĩ, luật sư, cơ quan nhà nước: việc về sức khỏe, pháp lý, tiền bạc
phải hỏi người có chuyên môn và nguồn chính thức.</li>
</ul>
<p>Quy tắc: <strong>dùng AI để hỗ trợ, còn bạn chịu trách nhiệm kiểm tra và quyết định</strong>.
</p>
""",
                ),
            ),
        ),
        ModuleSpec(
            "Dùng AI đúng cách",
            (
                LessonSpec(
                    "Đặt câu hỏi cho trợ lý AI",
                    10,
                    """
<h3>Một câu hỏi tốt gồm</h3>
<ol>
<li><strong>Bối cảnh</strong>: bạn là ai, đang cần gì.</li>
<li><strong>Yêu cầu cụ thể</strong>: muốn AI làm việc gì.</li>
<li><strong>Hình thức</strong>: dài bao nhiêu, trình bày thế nào.</li>
</ol>
<p>Ví dụ: “Tôi trồng chè ở vùng núi phía Bắc. Hãy liệt kê 5 việc cần làm để chăm sóc chè sau
đợt rét, mỗi việc một câu ngắn, dễ hiểu.”</p>
<h3>Hỏi tiếp để có kết quả tốt hơn</h3>
<ul>
<li>“Giải thích đơn giản hơn cho người lớn tuổi.”</li>
<li>“Viết lại ngắn hơn, giọng lịch sự.”</li>
<li>“Cho biết nguồn thông tin để tôi kiểm tra.”</li>
</ul>
<p>Với thông tin quan trọng, hãy <strong>kiểm tra lại</strong> trên trang chính thức hoặc hỏi
người có chuyên môn, như đã học ở khóa “Tìm kiếm, đánh giá thông tin”.</p>
""",
                ),
                LessonSpec(
                    "Bảo vệ thông tin khi dùng AI",
                    8,
                    """
<h3>Không nhập vào trợ lý AI</h3>
<ul>
<li>Số căn cước, số tài khoản ngân hàng, mật khẩu, mã OTP.</li>
<li>Hồ sơ bệnh án, thông tin riêng tư của người khác.</li>
<li><strong>Tài liệu nội bộ, tài liệu mật</strong> của cơ quan, đơn vị, doanh nghiệp.</li>
</ul>
<p>Nội dung bạn nhập có thể được lưu lại và dùng để huấn luyện tiếp. Khi cần nhờ AI sửa một văn
bản, hãy xóa hoặc thay tên người, số giấy tờ bằng ký hiệu trước.</p>
<h3>Dùng đúng ứng dụng</h3>
<ul>
<li>Chỉ tải ứng dụng AI từ kho ứng dụng chính thức; cẩn thận với ứng dụng giả mạo đòi trả phí.
</li>
<li>Đọc phần cài đặt quyền riêng tư; tắt lưu lịch sử trò chuyện nếu ứng dụng cho phép.</li>
</ul>
""",
                ),
                LessonSpec(
                    "Nội dung giả do AI tạo và dùng AI có trách nhiệm",
                    12,
                    """
<h3>Video, giọng nói giả (deepfake)</h3>
<p>AI có thể tạo video, giọng nói giống hệt người thật. Kẻ gian dùng cách này để gọi video giả
làm người thân, cấp trên, xin chuyển tiền gấp.</p>
<ul>
<li>Cuộc gọi video ngắn, hình mờ, khuôn mặt và khẩu hình không khớp, lấy cớ “mạng yếu”.</li>
<li><strong>Gọi lại</strong> cho người thân bằng số điện thoại quen thuộc trước khi chuyển tiền.
</li>
<li>Cả nhà thống nhất một <strong>câu hỏi hay “mật khẩu gia đình”</strong> chỉ người nhà biết.
</li>
</ul>
<h3>Dùng AI có trách nhiệm</h3>
<ul>
<li>Ghi rõ khi bài làm, báo cáo có sử dụng AI hỗ trợ; không nộp nguyên văn như của mình.</li>
<li>Không dùng AI tạo ảnh, video, tin giả để xúc phạm, giả mạo người khác hay gây hoang mang.</li>
<li>Tự chịu trách nhiệm về nội dung bạn dùng và chia sẻ, dù AI viết ra.</li>
</ul>
""",
                ),
            ),
        ),
    ),
    quiz_title="Kiểm tra: sử dụng trí tuệ nhân tạo an toàn, có trách nhiệm",
    questions=(
        true_false(
            "Câu trả lời của trợ lý AI luôn đúng vì AI đã học rất nhiều dữ liệu.",
            true=False,
            why="AI có thể “bịa” thông tin nghe rất thuyết phục: hãy kiểm tra lại.",
        ),
        multiple(
            "Những việc nào trợ lý AI có thể giúp tốt?",
            ("Soạn nháp một lá thư để mình sửa lại", True),
            ("Tóm tắt một văn bản dài", True),
            ("Giải thích một khái niệm bằng lời dễ hiểu", True),
            ("Thay bác sĩ kê đơn thuốc", False),
        ),
        multiple(
            "Thông tin nào KHÔNG nên nhập vào trợ lý AI?",
            ("Số căn cước và số tài khoản ngân hàng", True),
            ("Tài liệu nội bộ của cơ quan", True),
            ("Mật khẩu, mã OTP", True),
            ("Câu hỏi chung về cách chăm sóc cây chè", False),
        ),
        single(
            "Câu hỏi nào cho AI rõ ràng nhất?",
            (
                "Tôi trồng chè ở vùng núi. Liệt kê 5 việc chăm sóc chè sau rét, mỗi việc một câu",
                True,
            ),
            ("Chè", False),
            ("Nói gì đó hay đi", False),
            ("Cái đó làm sao", False),
        ),
        single(
            "Bạn nhận cuộc gọi video của “người thân” hình mờ, xin chuyển tiền gấp. Bạn làm gì "
            "trước?",
            ("Gọi lại bằng số điện thoại quen thuộc của người thân để kiểm tra", True),
            ("Chuyển tiền ngay vì đã thấy mặt", False),
            ("Gửi mã OTP để người đó tự chuyển", False),
            ("Chia sẻ cuộc gọi lên mạng xã hội", False),
        ),
        true_false(
            "Khi dùng AI hỗ trợ làm bài hoặc báo cáo, nên ghi rõ là có sử dụng AI.",
            true=True,
        ),
        single(
            "Ai chịu trách nhiệm về nội dung bạn đăng lên mạng, kể cả khi AI viết ra?",
            ("Chính bạn", True),
            ("Công ty làm ra trợ lý AI", False),
            ("Không ai cả", False),
            ("Người đọc bài", False),
        ),
    ),
)


COURSES: tuple[CourseSpec, ...] = (
    VNEID,
    SMARTPHONE,
    INFORMATION,
    SCAMS,
    PUBLIC_SERVICES,
    CASHLESS,
    CHILDREN,
    AI,
)


def courses_load(*, province_code: str) -> int:
    """Create the catalogue's courses that do not exist yet (by code), published, through the
    catalogue services as SYSTEM; the number created. Call inside a transaction."""
    existing_codes = set(
        Course.objects.filter(code__in=[c.code for c in COURSES]).values_list("code", flat=True)
    )
    created = 0
    for spec in COURSES:
        if spec.code in existing_codes:
            continue
        course = catalogue.course_create(
            actor=SYSTEM,
            code=spec.code,
            title=spec.title,
            owner_code=f"{spec.owner}-{province_code}",
            summary=spec.summary,
            target_groups=spec.target_groups,
            competency_codes=spec.competencies,
            level=spec.level,
            estimated_hours=spec.hours,
            sequential=spec.sequential,
        )
        for module_spec in spec.modules:
            module = catalogue.module_create(actor=SYSTEM, course=course, title=module_spec.title)
            for lesson in module_spec.lessons:
                catalogue.lesson_create(
                    actor=SYSTEM,
                    module=module,
                    title=lesson.title,
                    body_html=lesson.body.strip(),
                    estimated_minutes=lesson.minutes,
                )
        quiz = catalogue.quiz_set(
            actor=SYSTEM,
            course=course,
            title=spec.quiz_title,
            pass_mark_percent=spec.pass_mark,
            max_attempts=spec.max_attempts,
            time_limit_minutes=spec.time_limit_minutes,
        )
        for question in spec.questions:
            catalogue.question_create(
                actor=SYSTEM,
                quiz=quiz,
                kind=question.kind,
                text=question.text,
                choices=question.choices,
                explanation=question.explanation,
            )
        course.refresh_from_db()
        catalogue.course_set_status(actor=SYSTEM, course=course, status=CourseStatus.PUBLISHED)
        created += 1
    return created
