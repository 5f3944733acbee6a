<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html dir="ltr" lang="vi-VN" xmlns="http://www.w3.org/1999/xhtml">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" /><meta http-equiv="X-UA-Compatible" content="IE=10" /><meta name="GENERATOR" content="Microsoft SharePoint" />
<title>
	Van ban chi dao
</title>

<link rel="stylesheet" type="text/css" href="/sharepoint/_layouts/15/1066/styles/Themable/corev15.css?rev=VY9Jz0XjQ1dGo%2BQ4Tj6ZXw%3D%3D"/>
<script type="text/javascript" src="/sharepoint/_layouts/15/init.js?rev=ZEXqR2oX5uNf"></script>
</head>
<body onload="javascript:if (typeof(_spBodyOnLoadWrapper) != 'undefined') _spBodyOnLoadWrapper();">
<form method="post" action="./default.aspx" id="aspnetForm">
<div class="aspNetHidden">
<input type="hidden" name="__REQUESTDIGEST" id="__REQUESTDIGEST" value="0x5C3F0B7A1E2D,21 Nov 2024 08:00:00 -0000" />
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUBMA9kFgJmD2QWAgIBD2QWBAIBD2QWAgIFD2QWAmYPZBYCAgEPFgIeE1ByZXZpb3VzQ29udHJvbE1vZGULKYgBTWljcm9zb2Z0" />
</div>
<div id="s4-workspace"><div id="s4-bodyContainer">
<div class="header-wrapper">
  <div class="header-top"><span id="ctl00_lblNgayThang" class="lbl-date">Thứ Hai, 23/06/2025</span><span class="header-hotline">Đường dây nóng: (0237) 3851 456</span></div>
  <div class="header-banner"><a href="/sharepoint/Pages/default.aspx"><img src="/sharepoint/PublishingImages/banner.jpg" alt="Sở Nội vụ tỉnh Tây Ninh (bản mẫu)" /></a><div class="header-title">SỞ NỘI VỤ TỈNH TÂY NINH (BẢN MẪU)</div></div>
  <div class="top-menu"><ul class="root static">
    <li class="static"><a class="static menu-item" href="/sharepoint/Pages/default.aspx"><span class="menu-item-text">Trang chủ</span></a></li>
    <li class="static"><a class="static menu-item" href="#"><span class="menu-item-text">Giới thiệu</span></a></li>
    <li class="static"><a class="static menu-item" href="/sharepoint/tin-tuc/Pages/default.aspx"><span class="menu-item-text">Tin tức - Sự kiện</span></a></li>
    <li class="static"><a class="static menu-item" href="/sharepoint/tin-thi-dua/Pages/default.aspx"><span class="menu-item-text">Tin thi đua</span></a></li>
    <li class="static"><a class="static menu-item" href="/sharepoint/doanh-nghiep/Pages/default.aspx"><span class="menu-item-text">Doanh nghiep</span></a></li>
    <li class="static"><a class="static menu-item" href="/sharepoint/nong-nghiep/Pages/default.aspx"><span class="menu-item-text">Nong nghiep</span></a></li>
    <li class="static"><a class="static menu-item" href="/sharepoint/thong-bao/Pages/default.aspx"><span class="menu-item-text">Thong bao</span></a></li>
    <li class="static"><a class="static menu-item" href="/sharepoint/tin-hoat-dong/Pages/default.aspx"><span class="menu-item-text">Tin hoat dong</span></a></li>
    <li class="static"><a class="static menu-item" href="/sharepoint/van-ban-chi-dao/Pages/default.aspx"><span class="menu-item-text">Van ban chi dao</span></a></li>
    <li class="static"><a class="static menu-item" href="/sharepoint/van-hoa-du-lich/Pages/default.aspx"><span class="menu-item-text">Van hoa du lich</span></a></li>
    <li class="static"><a class="static menu-item" href="#"><span class="menu-item-text">Văn bản pháp luật</span></a></li>
    <li class="static"><a class="static menu-item" href="#"><span class="menu-item-text">Thủ tục hành chính</span></a></li>
    <li class="static"><a class="static menu-item" href="#"><span class="menu-item-text">Hỏi đáp</span></a></li>
    <li class="static"><a class="static menu-item" href="#"><span class="menu-item-text">Lịch công tác</span></a></li>
    
  </ul></div>
</div>
<div id="contentRow"><table class="layout-table" width="100%"><tr>
<td class="left-col" valign="top" width="22%">
  <div class="ms-webpart-zone"><div class="ms-webpart-chrome"><h2 class="ms-webpart-titleText">Danh mục</h2><ul class="left-nav">
  <li><a href="/sharepoint/tin-tuc/Pages/default.aspx">Tin tức - Sự kiện</a></li><li><a href="/sharepoint/tin-thi-dua/Pages/default.aspx">Tin thi đua</a></li><li><a href="/sharepoint/doanh-nghiep/Pages/default.aspx">Doanh nghiep</a></li><li><a href="/sharepoint/nong-nghiep/Pages/default.aspx">Nong nghiep</a></li><li><a href="/sharepoint/thong-bao/Pages/default.aspx">Thong bao</a></li><li><a href="/sharepoint/tin-hoat-dong/Pages/default.aspx">Tin hoat dong</a></li><li><a href="/sharepoint/van-ban-chi-dao/Pages/default.aspx">Van ban chi dao</a></li><li><a href="/sharepoint/van-hoa-du-lich/Pages/default.aspx">Van hoa du lich</a></li>
  <li><a href="#">Văn bản pháp luật</a></li><li><a href="#">Thủ tục hành chính</a></li><li><a href="#">Hỏi đáp</a></li><li><a href="#">Lịch công tác</a></li>
  </ul></div></div>
  <div class="ms-webpart-chrome"><h2 class="ms-webpart-titleText">Thăm dò ý kiến</h2><p>Bạn đánh giá thế nào về chất lượng dịch vụ công trực tuyến?</p><p><input type="radio" name="poll" /> Tốt <input type="radio" name="poll" /> Trung bình</p></div>
</td>
<td class="main-col" valign="top" id="MSOZoneCell_WebPartWPQ2">

<div class="ms-webpart-zone ms-fullWidth"><div id="WebPartWPQ2" class="ms-WPBody">
<h2 class="ms-webpart-titleText">Van ban chi dao</h2>
<table class="news-list" cellspacing="0" cellpadding="4">
<tr><td class="news-item">
  <a class="news-item-title" href="/sharepoint/van-ban-chi-dao/Pages/chi-tiet.aspx?ItemID=291557">Phê duyệt Kế hoạch tổ chức phong trào thi đua &#34;Tây Ninh chung sức xây dựng nông thôn mới&#34; giai đoạn 2021 - 2025</a>
  <span class="news-item-date">(05/07/2021 08:00)</span>
  <div class="news-item-summary">UBND tỉnh Tây Ninh vừa ban hành quyết định phê duyệt Kế hoạch tổ chức phong trào thi đua &#34;Tây Ninh chung sức xây dựng nông thôn mới&#34; giai đoạn 2021 - 2025.</div>
</td></tr>

</table>

</div></div>

</td>
<td class="right-col" valign="top" width="24%">
  <div class="ms-webpart-chrome"><h2 class="ms-webpart-titleText">Tin đọc nhiều</h2><ul class="tin-doc-nhieu">
  <li><a href="/sharepoint/doanh-nghiep/Pages/chi-tiet.aspx?ItemID=500448">Cụm thi đua các doanh nghiệp chế biến nông sản ký giao ước thi đua năm 2025</a><br /><span class="ngay">18/03/2025 11:25</span></li>
  <li><a href="/sharepoint/tin-thi-dua/Pages/chi-tiet.aspx?ItemID=256887">Cụm thi đua số 2 phát động thi đua chào mừng 50 năm Ngày Giải phóng miền Nam</a><br /><span class="ngay">10/01/2025 14:45</span></li>
  <li><a href="/sharepoint/thong-bao/Pages/chi-tiet.aspx?ItemID=390918">Thông báo tuyển dụng công chức tỉnh Tây Ninh năm 2024</a><br /><span class="ngay">03/06/2024 08:30</span></li>
  <li><a href="/sharepoint/tin-thi-dua/Pages/chi-tiet.aspx?ItemID=265131">Khối thi đua các cơ quan Nội chính ký kết giao ước thi đua năm 2024</a><br /><span class="ngay">05/03/2024 14:20</span></li>
  <li><a href="/sharepoint/van-hoa-du-lich/Pages/chi-tiet.aspx?ItemID=68571">Hội Xuân núi Bà Đen thu hút đông đảo du khách</a><br /><span class="ngay">19/02/2024 18:00</span></li>
  <li><a href="/sharepoint/tin-hoat-dong/Pages/chi-tiet.aspx?ItemID=164462">Trao Kỷ niệm chương &#34;Vì sự nghiệp xây dựng tổ chức nhà nước&#34; cho 32 cá nhân</a><br /><span class="ngay">24/11/2023 15:10</span></li>
  </ul></div>
  <div class="ms-webpart-chrome"><h2 class="ms-webpart-titleText">Lịch công tác</h2><p>Xem lịch công tác tuần của lãnh đạo Sở</p></div>
</td>
</tr></table></div>
<div class="footer"><p><b>SỞ NỘI VỤ TỈNH TÂY NINH (BẢN MẪU)</b></p><p>Địa chỉ: Số 5 đường Mẫu, thành phố Tây Ninh. Điện thoại: (0237) 3851 456</p><p>Chịu trách nhiệm chính - Giám đốc Sở Nội vụ</p><p>Số lượt truy cập: 1.204.557</p></div>
</div></div>
</form>
</body>
</html>
