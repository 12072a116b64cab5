"""What customers and the desk write in the demo tickets.

Customer-facing text (titles, descriptions, replies) comes in Indonesian and, for
contacts who prefer it, English. Internal notes, escalation reasons and resolution
summaries are written by Indonesian staff for each other, so they are Indonesian
only. Placeholders are filled when a ticket is planned; `{number}` is left for the
player, which only knows the ticket number once the ticket is logged.
"""

from __future__ import annotations

import random
from datetime import datetime

from sigap.demo.calendar import ZONE

T = dict[str, list[str]]

TEXTS: dict[str, T] = {
    # --- what the customer reports --------------------------------------------------
    "title.unit_down": {
        "id": [
            "Unit {plate} tidak update",
            "GPS {plate} delay sejak {since}",
            "Posisi {plate} tidak bergerak di aplikasi",
            "Unit GPS {plate} offline",
            "Mohon cek GPS kendaraan {plate}",
        ],
        "en": [
            "Unit {plate} not updating",
            "GPS on {plate} stuck since {since}",
            "Vehicle {plate} shows no position updates",
        ],
    },
    "desc.unit_down": {
        "id": [
            "Selamat {daypart}, unit GPS di kendaraan {plate} tidak update sejak {since}. "
            "Posisi terakhir di aplikasi masih di {place}, padahal kendaraan sudah jalan. "
            "Mohon dicek. Terima kasih.",
            "Pak/Bu, GPS mobil {plate} delay, posisinya tidak berubah sejak {since}. "
            "Tolong dibantu cek ya.",
            "Dengan hormat, kendaraan {plate} ({vehicle}) tidak terpantau di aplikasi sejak "
            "{since}. Mohon segera ditindaklanjuti karena unit sedang dipakai pengiriman.",
        ],
        "en": [
            "Good {daypart_en}, the GPS unit in vehicle {plate} has not updated since {since}. "
            "The app still shows it at {place} although the truck has left. Please check.",
            "Hi, our vehicle {plate} ({vehicle}) is not tracked in the app since {since}. "
            "It is on a delivery run, so please look into it urgently.",
        ],
    },
    "title.unit_damaged": {
        "id": [
            "Unit GPS {plate} rusak",
            "Unit {plate} mati total",
            "Lampu unit {plate} tidak menyala",
        ],
        "en": ["GPS unit in {plate} is broken", "Unit in {plate} is completely dead"],
    },
    "desc.unit_damaged": {
        "id": [
            "Unit GPS di {plate} mati total, lampu indikator tidak menyala sama sekali sejak "
            "{since}. Mohon dikirim teknisi.",
            "Driver melaporkan unit GPS di {plate} lepas dan kabelnya putus. Mohon dicek.",
        ],
        "en": [
            "The GPS unit in {plate} is dead, no indicator light at all since {since}. "
            "Please send a technician.",
        ],
    },
    "title.unit_removal": {
        "id": ["Permohonan pencabutan unit {plate}", "Cabut GPS kendaraan {plate}"],
        "en": ["Request to remove the unit from {plate}"],
    },
    "desc.unit_removal": {
        "id": [
            "Dengan hormat, kami mohon unit GPS di kendaraan {plate} dicabut dan langganannya "
            "dihentikan karena {why_id}. Kendaraan ada di {place}.",
            "Tolong jadwalkan pencabutan GPS {plate}, {why_id}. Terima kasih.",
        ],
        "en": [
            "Please remove the GPS unit from vehicle {plate} and end its subscription: "
            "{why_en}. The vehicle is at {place}.",
        ],
    },
    "title.unit_relocation": {
        "id": [
            "Pindah unit GPS dari {plate} ke kendaraan baru",
            "Permohonan relokasi unit {plate}",
        ],
        "en": ["Move the GPS unit from {plate} to another vehicle"],
    },
    "desc.unit_relocation": {
        "id": [
            "Kami mohon unit GPS di {plate} dipindahkan ke kendaraan pengganti karena {why_id}. "
            "Kendaraan pengganti nopol {new_plate}.",
        ],
        "en": [
            "Please move the GPS unit from {plate} to our replacement vehicle {new_plate}: "
            "{why_en}.",
        ],
    },
    "title.account_plate": {
        "id": ["Perubahan nopol {plate}", "Mohon update nopol kendaraan {plate}"],
        "en": ["Change of plate number for {plate}"],
    },
    "desc.account_plate": {
        "id": [
            "Mohon data kendaraan {plate} di aplikasi diubah menjadi {new_plate}, {why_id}.",
            "Nopol {plate} di aplikasi salah, yang benar {new_plate} ({why_id}). Mohon diperbaiki.",
        ],
        "en": ["Please change vehicle {plate} in the app to {new_plate}: {why_en}."],
    },
    "title.account_owner": {
        "id": ["Balik nama langganan GPS {plate}", "Perubahan pemilik kendaraan {plate}"],
        "en": ["Transfer of the subscription for {plate} to the new owner"],
    },
    "desc.account_owner": {
        "id": [
            "Kendaraan {plate} sudah kami jual ke {buyer}. Pemilik baru ingin melanjutkan "
            "langganan GPS. Mohon dibantu prosesnya.",
        ],
        "en": [
            "We sold vehicle {plate} to {buyer}, who wants to keep the tracking subscription. "
            "Please transfer it.",
        ],
    },
    "title.account_password": {
        "id": ["Lupa password aplikasi", "Tidak bisa login, lupa ID", "Reset password akun {org}"],
        "en": ["Forgot my password", "Cannot log in to the tracking app"],
    },
    "desc.account_password": {
        "id": [
            "Selamat {daypart}, saya lupa password akun aplikasi pelacakan. Mohon direset.",
            "Admin kami yang lama sudah resign dan kami tidak tahu ID login-nya. Mohon dibantu.",
        ],
        "en": [
            "Good {daypart_en}, I forgot the password for our tracking account. Please reset it."
        ],
    },
    "title.account_access": {
        "id": ["Tambah user aplikasi untuk {org}", "Permintaan akun baru"],
        "en": ["New user account for our dispatcher"],
    },
    "desc.account_access": {
        "id": ["Mohon dibuatkan akun aplikasi untuk staf dispatcher kami yang baru."],
        "en": ["Please create an app account for our new dispatcher."],
    },
    "title.invoice_copy": {
        "id": ["Minta salinan invoice {invoice}", "Invoice bulan {month} belum diterima"],
        "en": ["Copy of invoice {invoice}", "Invoice for {month_en} not received"],
    },
    "desc.invoice_copy": {
        "id": ["Mohon dikirim ulang invoice {invoice} ke email finance kami, belum kami terima."],
        "en": ["Please resend invoice {invoice} to our finance team; we never received it."],
    },
    "title.invoice_error": {
        "id": ["Tagihan {invoice} tidak sesuai", "Jumlah unit di invoice {invoice} salah"],
        "en": ["Invoice {invoice} is wrong"],
    },
    "desc.invoice_error": {
        "id": [
            "Di invoice {invoice} tertagih {billed} unit, padahal unit aktif kami {count}. "
            "Mohon dicek dan dikoreksi.",
        ],
        "en": [
            "Invoice {invoice} bills {billed} units but we only have {count} active. "
            "Please correct it.",
        ],
    },
    "title.payment_confirm": {
        "id": ["Konfirmasi pembayaran {invoice}", "Bukti transfer invoice {invoice}"],
        "en": ["Payment confirmation for {invoice}"],
    },
    "desc.payment_confirm": {
        "id": ["Kami sudah transfer untuk invoice {invoice}, bukti terlampir. Mohon dikonfirmasi."],
        "en": ["We paid invoice {invoice}; the transfer slip is attached. Please confirm."],
    },
    "title.feature_request": {
        "id": ["Permintaan fitur {feature}", "Tambah {feature} untuk armada"],
        "en": ["Request for {feature_en}"],
    },
    "desc.feature_request": {
        "id": [
            "Kami ingin menambahkan {feature} untuk {count} kendaraan. Mohon info biaya dan jadwal."
        ],
        "en": ["We would like {feature_en} on {count} vehicles. Please send a quotation."],
    },
    "title.feature_fault": {
        "id": ["{feature} tidak berfungsi", "Data {feature} tidak muncul"],
        "en": ["{feature_en} not working"],
    },
    "desc.feature_fault": {
        "id": ["Data {feature} untuk kendaraan {plate} tidak muncul di aplikasi sejak {since}."],
        "en": ["The {feature_en} data for {plate} has not shown in the app since {since}."],
    },
    "title.app_error": {
        "id": ["Laporan perjalanan tidak bisa diunduh", "Aplikasi error saat buka riwayat"],
        "en": ["Trip report cannot be downloaded"],
    },
    "desc.app_error": {
        "id": ["Saat unduh laporan perjalanan bulan ini muncul pesan error. Mohon dibantu."],
        "en": ["Downloading this month's trip report fails with an error. Please help."],
    },
    "title.app_request": {
        "id": ["Permintaan laporan khusus", "Minta export data ke Excel"],
        "en": ["Request for a custom report"],
    },
    "desc.app_request": {
        "id": ["Mohon dibuatkan laporan jam kerja mesin per kendaraan per minggu."],
        "en": ["Could you add a weekly engine-hours report per vehicle?"],
    },
    # --- what the desk answers --------------------------------------------------------
    "ack": {
        "id": [
            "Selamat {daypart}, Bapak/Ibu {contact}. Terima kasih, laporan Anda sudah kami "
            "catat dengan nomor {number}. Kami sedang memeriksanya dan akan segera mengabari.",
            "Baik Bapak/Ibu {contact}, tiket {number} sudah kami buat. Mohon ditunggu, "
            "kami cek terlebih dahulu. Salam, {agent}.",
        ],
        "en": [
            "Good {daypart_en} {contact}, thank you. We have logged this as {number} and are "
            "looking into it now. We will update you shortly.",
            "Hello {contact}, ticket {number} is open for this; we are checking and will "
            "come back to you soon. Regards, {agent}.",
        ],
    },
    "ask.schedule": {
        "id": [
            "Bapak/Ibu, teknisi kami perlu datang ke lokasi. Mohon info kapan kendaraan {plate} "
            "ada di pool agar bisa kami jadwalkan.",
        ],
        "en": [
            "Our technician needs to see the vehicle. When will {plate} be at your pool, so we "
            "can schedule the visit?",
        ],
    },
    "ask.area": {
        "id": [
            "Dari data kami, {plate} terakhir terpantau di area dengan sinyal lemah ({place}). "
            "Mohon info bila kendaraan sudah keluar dari area tersebut.",
        ],
        "en": [
            "Our data shows {plate} was last seen in an area with weak signal ({place}). "
            "Please tell us when the vehicle has left that area.",
        ],
    },
    "ask.connector": {
        "id": [
            "Data terakhir menunjukkan power unit terputus. Mohon dicek apakah konektor unit di "
            "{plate} masih terpasang, atau minta driver memasangnya kembali.",
        ],
        "en": [
            "The unit in {plate} lost power. Could you check whether its connector is still "
            "plugged in, or ask the driver to plug it back?",
        ],
    },
    "ask.documents": {
        "id": ["Untuk perubahan data, mohon kirim foto STNK terbaru kendaraan {plate}."],
        "en": ["For the change we need a photo of the current registration (STNK) of {plate}."],
    },
    "ask.quotation": {
        "id": ["Penawaran harga sudah kami kirim ke email Bapak/Ibu. Mohon konfirmasinya."],
        "en": ["We have e-mailed you a quotation. Please confirm if you wish to go ahead."],
    },
    "cust.schedule": {
        "id": ["Kendaraan ada di pool besok pagi jam 9.", "Bisa hari ini setelah jam 1 siang."],
        "en": ["The vehicle will be at the pool tomorrow at 9 am."],
    },
    "cust.area": {
        "id": ["Kendaraan sudah keluar dari area tersebut, tolong dicek lagi."],
        "en": ["The vehicle has left that area now, please check again."],
    },
    "cust.connector": {
        "id": ["Sudah dicek, ternyata konektornya dicabut driver. Sudah dipasang lagi."],
        "en": ["The driver had unplugged it. It is plugged back in now."],
    },
    "cust.documents": {
        "id": ["Berikut foto STNK terbaru, terlampir.", "Sudah kami kirim via email ya."],
        "en": ["The registration photo is attached."],
    },
    "cust.quotation": {
        "id": ["Penawaran kami setujui, silakan dijadwalkan."],
        "en": ["Quotation approved, please go ahead."],
    },
    "cust.thanks": {
        "id": [
            "Baik, terima kasih.",
            "Oke sudah kami cek, terima kasih bantuannya.",
            "Siap, terima kasih.",
        ],
        "en": ["Confirmed, thank you.", "Noted, thanks for your help."],
    },
    "done.unit": {
        "id": [
            "Bapak/Ibu {contact}, unit di {plate} sudah kembali mengirim data. Mohon dicek di "
            "aplikasi. Tiket {number} akan kami tutup bila sudah sesuai.",
        ],
        "en": [
            "{contact}, the unit in {plate} is sending data again. Please check the app; we "
            "will close {number} once you confirm.",
        ],
    },
    "done.request": {
        "id": ["Permintaan Bapak/Ibu pada tiket {number} sudah selesai kami proses. {detail}"],
        "en": ["Your request {number} has been completed. {detail_en}"],
    },
    "done.info": {
        "id": ["Bapak/Ibu {contact}, {detail} Bila masih ada kendala, silakan balas pesan ini."],
        "en": ["{contact}, {detail_en} If anything is still wrong, just reply to this message."],
    },
}

# Internal notes, escalation reasons and summaries: staff write these for each other.
INTERNAL: dict[str, list[str]] = {
    "note.old_device": [
        "Cek server: unit {imei} ({model}) terakhir kirim data {since_id}. Tipe perangkat lama, "
        "sering hang. Perlu pengecekan teknisi.",
    ],
    "note.driver_disconnected": [
        "Data terakhir unit {imei}: main power 0V saat kendaraan jalan. Indikasi unit dicabut driver.",
    ],
    "note.blank_spot": [
        "Unit {imei} hilang sinyal GSM di sekitar {place}; tidak ada alarm power. Kemungkinan "
        "blank spot, data tersimpan di buffer.",
    ],
    "note.firmware_upgrade": [
        "Unit {imei} ({model}) masih firmware {firmware}, di bawah minimum {minimum}. "
        "Perlu upgrade firmware.",
    ],
    "esc.technicians": [
        "Perlu penanganan teknisi: {why}.",
        "Mohon tim teknisi tindak lanjut, {why}.",
    ],
    "esc.vendor": [
        "Upgrade OTA ke {minimum} gagal dua kali pada {model}; eskalasi ke vendor untuk "
        "firmware perbaikan.",
    ],
    "esc.head": [
        "Unit {model} tipe lama di armada {org} sering mati. Perlu keputusan penggantian "
        "unit (biaya di luar kontrak).",
    ],
    "esc.it": ["Perlu perubahan di sistem oleh IT: {why}."],
    "esc.marketing": ["Mohon dicek tim marketing/billing: {why}."],
    "pend.customer": ["Menunggu {what} dari pelanggan."],
    "sum.device_replaced": [
        "Teknisi {tech} mengganti unit {model} dengan unit baru {new_model}; data sudah masuk normal.",
    ],
    "sum.device_replaced_head": [
        "Penggantian unit tipe lama disetujui kepala infrastruktur; unit diganti {new_model} "
        "oleh teknisi, data normal.",
    ],
    "sum.technician_visit": [
        "Teknisi {tech} memasang ulang konektor power dan memasang segel; unit update normal.",
        "Teknisi {tech} memperbaiki kabel power yang putus; unit update normal.",
    ],
    "sum.customer_action": [
        "Driver memasang kembali konektor unit atas arahan CS; data kembali update."
    ],
    "sum.blank_spot": [
        "Kendaraan berada di area blank spot; setelah keluar area data buffer terkirim. "
        "Unit tidak bermasalah.",
    ],
    "sum.firmware_upgraded": [
        "Firmware unit {imei} diupgrade OTA ke {minimum}; unit update normal."
    ],
    "sum.vendor_fixed": [
        "Vendor mengirim firmware perbaikan {minimum}; sudah dipasang, unit normal."
    ],
    "sum.removal": ["Unit {imei} dicabut dari {plate}; langganan dihentikan ({why})."],
    "sum.relocation": ["Unit {imei} dipindahkan dari {plate} ke {new_plate}."],
    "sum.plate": ["Nopol diubah dari {plate} menjadi {new_plate} sesuai STNK."],
    "sum.owner": ["Kendaraan {plate} dan langganannya dialihkan ke {buyer}."],
    "sum.password": ["Password direset; tautan reset dikirim ke email terdaftar."],
    "sum.access": ["Akun pengguna baru dibuat untuk {org}."],
    "sum.invoice_copy": ["Salinan invoice {invoice} dikirim ulang ke email finance pelanggan."],
    "sum.invoice_error": ["Invoice {invoice} dikoreksi menjadi {count} unit dan dikirim ulang."],
    "sum.payment_confirm": ["Pembayaran invoice {invoice} sudah diterima dan tercatat."],
    "sum.feature_request": ["{feature} dipasang dan diaktifkan untuk {count} kendaraan."],
    "sum.feature_fault": ["Konfigurasi {feature} diperbaiki; data sudah muncul kembali."],
    "sum.app_error": ["Bug pada unduhan laporan diperbaiki IT; laporan bisa diunduh."],
    "sum.app_user": [
        "Pelanggan dipandu memakai filter tanggal dengan benar; laporan bisa diunduh."
    ],
    "sum.app_request": ["Laporan baru ditambahkan di menu laporan pelanggan."],
}

# What the desk tells the customer when a request is done or information is given.
DETAILS: dict[str, tuple[str, str]] = {
    "removal": (
        "Unit sudah dicabut dan langganan dihentikan.",
        "The unit is removed and the subscription ended.",
    ),
    "relocation": (
        "Unit sudah dipindahkan ke kendaraan baru.",
        "The unit is now in the new vehicle.",
    ),
    "plate": ("Nopol di aplikasi sudah diperbarui.", "The plate in the app is updated."),
    "owner": (
        "Langganan sudah dialihkan ke pemilik baru.",
        "The subscription now belongs to the new owner.",
    ),
    "password": (
        "Tautan reset password sudah kami kirim ke email terdaftar.",
        "A password reset link has been sent to your registered e-mail.",
    ),
    "access": (
        "Akun baru sudah dibuat, detail login dikirim via email.",
        "The new account is created; login details were e-mailed.",
    ),
    "invoice_copy": (
        "invoice sudah kami kirim ulang ke email finance Anda.",
        "we have resent the invoice to your finance e-mail.",
    ),
    "invoice_error": (
        "invoice sudah kami koreksi dan kirim ulang.",
        "we have corrected and resent the invoice.",
    ),
    "payment_confirm": (
        "pembayaran Anda sudah kami terima, terima kasih.",
        "we have received your payment, thank you.",
    ),
    "feature_request": ("Fitur sudah aktif di aplikasi.", "The feature is now active in the app."),
    "feature_fault": (
        "data fitur sudah muncul kembali di aplikasi.",
        "the feature data shows in the app again.",
    ),
    "app_error": ("laporan sudah bisa diunduh kembali.", "the report can be downloaded again."),
    "app_request": (
        "Laporan baru sudah tersedia di menu laporan.",
        "The new report is available in the reports menu.",
    ),
    "blank_spot": (
        "kendaraan sempat berada di area tanpa sinyal; data sudah terkirim lengkap dan unit tidak bermasalah.",
        "the vehicle was in an area without signal; all data has arrived and the unit is fine.",
    ),
}

WHY = {  # a request's cause in the customer's words: (Indonesian, English)
    "contract_ended": (
        "kontrak kami dengan klien sudah selesai",
        "our contract with the client has ended",
    ),
    "vehicle_sold": ("kendaraan sudah dijual", "the vehicle has been sold"),
    "plate_changed": (
        "nopol sudah berubah setelah mutasi",
        "the plate changed after re-registration",
    ),
    "plate_not_genuine": (
        "nopol yang terdaftar bukan nopol asli kendaraan",
        "the registered plate was not the vehicle's real one",
    ),
}

SINCE = {
    "id": [
        "tadi pagi",
        "kemarin sore",
        "semalam",
        "2 hari yang lalu",
        "jam 7 pagi tadi",
        "kemarin siang",
    ],
    "en": ["this morning", "yesterday afternoon", "last night", "two days ago", "7 am today"],
}
FEATURES = [
    ("sensor BBM", "a fuel sensor"),
    ("sensor suhu", "a temperature sensor"),
    ("immobilizer (cut engine)", "an immobiliser (engine cut)"),
    ("identifikasi driver (RFID)", "RFID driver identification"),
    ("kamera dashboard", "a dashboard camera"),
]
MONTHS_ID = (
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split()
)
MONTHS_EN = (
    "January February March April May June July August September October November December".split()
)


def daypart(moment: datetime, language: str) -> str:
    hour = moment.astimezone(ZONE).hour
    if language == "en":
        return "morning" if hour < 12 else "afternoon"
    return "pagi" if hour < 11 else "siang" if hour < 15 else "sore"


def say(rng: random.Random, key: str, language: str, values: dict[str, object]) -> str:
    variants = TEXTS[key].get(language) or TEXTS[key]["id"]
    return rng.choice(variants).format(**values)


def note(rng: random.Random, key: str, values: dict[str, object]) -> str:
    return rng.choice(INTERNAL[key]).format(**values)
