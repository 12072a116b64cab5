"""The replies agents write most often, to start the desk's list with; an administrator
edits them in the admin. The texts live here, not in a module, so that later edits to
them cannot change what this migration did."""

from django.db import migrations

# title (English), title (Indonesian), text (English), text (Indonesian),
# category codes (none: every ticket), order
REPLIES = [
    (
        "Unit not updating: first checks",
        "Unit tidak update: pengecekan awal",
        "Dear {customer},\n\n"
        "Thank you for your report (ticket {ticket}). The GPS unit on vehicle {plate} has "
        "not sent its position for a while. Could you please check the following:\n"
        "1. The vehicle's battery is connected and not flat: the unit stops sending when "
        "its power is cut.\n"
        "2. The vehicle is not parked in a basement or another place without mobile signal.\n"
        "3. Start the engine, leave it running for about 15 minutes, then look at the "
        "position in the application again.\n\n"
        "If the position still does not update, just reply to this message and we will "
        "arrange a technician visit.\n\n"
        "Best regards,\n{agent}",
        "Yth. {customer},\n\n"
        "Terima kasih atas laporannya (tiket {ticket}). Unit GPS pada kendaraan {plate} "
        "sudah beberapa waktu tidak mengirim posisi. Mohon bantuannya untuk mengecek hal "
        "berikut:\n"
        "1. Aki kendaraan terpasang dengan baik dan tidak soak: unit berhenti mengirim data "
        "jika arus listriknya terputus.\n"
        "2. Kendaraan tidak sedang parkir di basement atau di lokasi tanpa sinyal seluler.\n"
        "3. Nyalakan mesin kendaraan sekitar 15 menit, lalu cek kembali posisinya di "
        "aplikasi.\n\n"
        "Jika posisi masih belum update, silakan balas pesan ini dan kami akan menjadwalkan "
        "kunjungan teknisi.\n\n"
        "Salam,\n{agent}",
        ["gps_unit.not_updating"],
        10,
    ),
    (
        "Technician visit: asking for a time and place",
        "Kunjungan teknisi: menanyakan waktu dan lokasi",
        "Dear {customer},\n\n"
        "For ticket {ticket}, our technician needs to check the unit on vehicle {plate} in "
        "person. Please let us know the date, time and address at which the vehicle can be "
        "seen, and the name and phone number of the person on site (usually the driver or "
        "the pool staff).\n\n"
        "Best regards,\n{agent}",
        "Yth. {customer},\n\n"
        "Untuk tiket {ticket}, teknisi kami perlu memeriksa langsung unit pada kendaraan "
        "{plate}. Mohon informasikan tanggal, jam, dan alamat lokasi kendaraan dapat "
        "diperiksa, beserta nama dan nomor telepon penanggung jawab di lokasi (biasanya "
        "driver atau petugas pool).\n\n"
        "Salam,\n{agent}",
        ["gps_unit"],
        20,
    ),
    (
        "Plate change done",
        "Perubahan nopol selesai",
        "Dear {customer},\n\n"
        "The plate number change you asked for in ticket {ticket} is done: the vehicle now "
        "shows as {plate} in the application. If you still see the old plate, please sign "
        "out and sign in again.\n\n"
        "Best regards,\n{agent}",
        "Yth. {customer},\n\n"
        "Perubahan nomor polisi sesuai permintaan pada tiket {ticket} sudah kami proses. "
        "Kendaraan sekarang tampil dengan nopol {plate} di aplikasi. Jika nopol lama masih "
        "terlihat, silakan logout lalu login kembali.\n\n"
        "Salam,\n{agent}",
        ["account.data_change"],
        30,
    ),
    (
        "Invoice corrected",
        "Tagihan sudah dikoreksi",
        "Dear {customer},\n\n"
        "We have corrected the invoice you reported in ticket {ticket}. The revised invoice "
        "will be sent to your company's billing e-mail address shortly; the previous one is "
        "cancelled and does not need to be paid.\n\n"
        "We apologise for the inconvenience.\n\n"
        "Best regards,\n{agent}",
        "Yth. {customer},\n\n"
        "Tagihan yang dilaporkan pada tiket {ticket} sudah kami koreksi. Invoice revisi akan "
        "segera kami kirim ke alamat e-mail penagihan perusahaan Bapak/Ibu; invoice "
        "sebelumnya kami batalkan dan tidak perlu dibayar.\n\n"
        "Mohon maaf atas ketidaknyamanannya.\n\n"
        "Salam,\n{agent}",
        ["payment.invoice"],
        40,
    ),
    (
        "Payment received",
        "Pembayaran sudah diterima",
        "Dear {customer},\n\n"
        "Thank you: we have received your payment and recorded it on ticket {ticket}. Your "
        "service continues as usual, and the receipt will be sent to you by e-mail.\n\n"
        "Best regards,\n{agent}",
        "Yth. {customer},\n\n"
        "Terima kasih, pembayaran Bapak/Ibu sudah kami terima dan kami catat pada tiket "
        "{ticket}. Layanan tetap berjalan seperti biasa, dan bukti pembayaran akan kami "
        "kirimkan melalui e-mail.\n\n"
        "Salam,\n{agent}",
        ["payment.confirmation"],
        50,
    ),
    (
        "Asking for more details",
        "Meminta data tambahan",
        "Dear {customer},\n\n"
        "Thank you for contacting us about ticket {ticket}. So that we can help you "
        "quickly, could you please send us the vehicle's plate number, since when the "
        "problem has been happening, and a screenshot of what you see in the "
        "application?\n\n"
        "Best regards,\n{agent}",
        "Yth. {customer},\n\n"
        "Terima kasih telah menghubungi kami terkait tiket {ticket}. Agar dapat segera kami "
        "bantu, mohon kirimkan nomor polisi kendaraan, sejak kapan kendalanya terjadi, serta "
        "screenshot tampilan di aplikasi.\n\n"
        "Salam,\n{agent}",
        [],
        900,
    ),
    (
        "Resolved: please check on your side",
        "Selesai: mohon dicek kembali",
        "Dear {customer},\n\n"
        "We have handled ticket {ticket} and consider it resolved. Please check on your "
        "side; if anything is still not right, simply reply to this message and we will "
        "look into it again.\n\n"
        "Thank you,\n{agent}",
        "Yth. {customer},\n\n"
        "Tiket {ticket} sudah kami tangani dan kami anggap selesai. Mohon dicek kembali; "
        "jika masih ada kendala, cukup balas pesan ini dan kami akan menindaklanjutinya "
        "kembali.\n\n"
        "Terima kasih,\n{agent}",
        [],
        910,
    ),
]


def seed_canned_replies(apps, schema_editor) -> None:
    CannedReply = apps.get_model("channels", "CannedReply")
    Category = apps.get_model("tickets", "Category")
    by_code = {c.code: c for c in Category.objects.all()}
    for title_en, title_id, body_en, body_id, codes, order in REPLIES:
        categories = [by_code[code] for code in codes if code in by_code]
        reply = CannedReply.objects.create(
            title_en=title_en,
            title_id=title_id,
            body_en=body_en,
            body_id=body_id,
            ordering=order,
            # Its categories all since removed by an administrator: offering it on every
            # ticket instead would be wrong, so it starts switched off.
            is_active=bool(categories) or not codes,
        )
        reply.categories.set(categories)


class Migration(migrations.Migration):
    dependencies = [
        ("channels", "0002_canned_replies"),
        ("tickets", "0002_seed_categories"),
    ]

    operations = [migrations.RunPython(seed_canned_replies, migrations.RunPython.noop)]
