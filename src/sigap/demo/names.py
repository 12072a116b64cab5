"""Word lists for made-up but plausible Indonesian fleet customers and their staff.

Company names are combinations of common words, not real companies; e-mail
domains end in the reserved `.example`, so nothing the demo holds can reach a
real mailbox.
"""

from __future__ import annotations

import random

NAME_WORDS = (
    "Sinar Cahaya Mitra Karya Bintang Jaya Abadi Sentosa Makmur Prima Mega Surya Citra "
    "Duta Nusa Samudra Buana Anugerah Berkah Mandiri Sejahtera Perkasa Lintas Arta Tunas "
    "Graha Harapan Kencana Mulia Putra Raya Selaras Tirta Wijaya Utama Bumi Dirgantara "
    "Gemilang Lestari Sakti Andalan Nusantara Persada Pratama Sumber Cemerlang Indah"
).split()
LINES_OF_BUSINESS = [
    "Logistik",
    "Transport",
    "Ekspres",
    "Kargo",
    "Distribusi",
    "Armada",
    "Angkutan",
    "Rental",
    "Travel",
    "Niaga",
    "Sarana Trans",
    "Agro",
    "Tambang",
    "Ekspedisi",
    "Bus",
]
INTERNATIONAL_BUSINESS = [
    "Logistics Indonesia",
    "Freight Indonesia",
    "Mining Services",
    "Supply Chain Indonesia",
    "Express Indonesia",
    "Cold Chain Indonesia",
]

# region, plate prefix, weight (the provider is strongest around Jakarta)
REGIONS = [
    ("Jakarta", "B", 34),
    ("Surabaya", "L", 9),
    ("Sidoarjo", "W", 3),
    ("Bandung", "D", 8),
    ("Bogor", "F", 3),
    ("Karawang", "T", 3),
    ("Semarang", "H", 6),
    ("Surakarta", "AD", 2),
    ("Yogyakarta", "AB", 3),
    ("Malang", "N", 3),
    ("Medan", "BK", 6),
    ("Palembang", "BG", 3),
    ("Lampung", "BE", 2),
    ("Pekanbaru", "BM", 2),
    ("Makassar", "DD", 4),
    ("Balikpapan", "KT", 3),
    ("Banjarmasin", "DA", 2),
    ("Pontianak", "KB", 1),
    ("Denpasar", "DK", 2),
    ("Manado", "DB", 1),
]

FIRST_NAMES = (
    "Agus Budi Dedi Eko Fajar Hendra Irfan Joko Kurniawan Lukman Mulyadi Nanang Rudi Slamet "
    "Taufik Wahyu Yusuf Adi Bayu Dian Fitri Indah Lina Maya Nur Putri Ratna Rina Sari Siti "
    "Tuti Wulan Yuni Dewi Ayu Bambang Hadi Rahmat Rizky Andi Arif Doni Gilang Hari Iwan "
    "Mega Novi Rani Sinta Tri Vina Anton Robby Yohanes Melati Citra Intan Reza Teguh"
).split()
LAST_NAMES = (
    "Saputra Pratama Wijaya Santoso Hidayat Setiawan Nugroho Kusuma Siregar Nasution "
    "Simanjuntak Lubis Hutapea Sitompul Gunawan Hakim Rahman Susanto Permana Wibowo Halim "
    "Kurnia Lestari Wulandari Rahayu Handayani Puspita Anggraini Maharani Purnomo Sihombing "
    "Tanjung Harahap Pohan Ginting Tarigan Manurung Pangaribuan Sembiring Utomo Firmansyah "
    "Syahputra Ramadhan Hasibuan Daulay Lim Tan Wirawan"
).split()
EXPATRIATE_NAMES = [
    ("David", "Miller"),
    ("Sarah", "Thompson"),
    ("Kenji", "Watanabe"),
    ("Mei Ling", "Chua"),
    ("Rajesh", "Kumar"),
    ("Hyun-woo", "Park"),
    ("James", "O'Brien"),
    ("Anna", "Schmidt"),
    ("Wei", "Zhang"),
    ("Peter", "Jansen"),
]

VEHICLE_KINDS = [
    "Hino Dutro 130 HD",
    "Hino Ranger FM 260 JD",
    "Mitsubishi Colt Diesel FE 74",
    "Mitsubishi Fuso Fighter FN 62",
    "Isuzu Elf NMR 71",
    "Isuzu Giga FVZ 285",
    "UD Trucks Quester",
    "Toyota Hilux",
    "Mitsubishi L300 Pick Up",
    "Suzuki Carry Pick Up",
    "Daihatsu Gran Max Blind Van",
    "Toyota Avanza",
    "Toyota Innova Reborn",
    "Toyota HiAce Commuter",
    "Isuzu Traga Box",
    "Honda Vario 125",
    "Yamaha NMAX",
    "Mercedes-Benz OH 1626 (bus)",
]

# Places a vehicle is last seen at, for the customers' and the desk's texts.
PLACES = [
    "pool Cakung",
    "gudang Cikarang",
    "rest area KM 57",
    "Pelabuhan Tanjung Priok",
    "tol Cipali",
    "Kawasan Industri Jababeka",
    "pool Pulogadung",
    "Pelabuhan Tanjung Perak",
    "jalur Pantura dekat Tuban",
    "Lintas Sumatera dekat Jambi",
    "Kawasan Industri Medan",
    "tambang dekat Sangatta",
    "Kawasan Industri Makassar",
    "Puncak, Bogor",
    "Gilimanuk",
    "Kertajati",
]


def organisation_name(rng: random.Random, *, international: bool) -> str:
    first, second = rng.sample(NAME_WORDS, 2)
    if international:
        return f"PT {first} {rng.choice(INTERNATIONAL_BUSINESS)}"
    form = "CV" if rng.random() < 0.18 else "PT"
    if rng.random() < 0.5:
        return f"{form} {first} {second} {rng.choice(LINES_OF_BUSINESS)}"
    return f"{form} {first} {second}"


def region(rng: random.Random) -> tuple[str, str]:
    name, prefix, _ = rng.choices(REGIONS, weights=[w for *_, w in REGIONS])[0]
    return name, prefix


def person(rng: random.Random, *, expatriate: bool = False) -> tuple[str, str]:
    if expatriate:
        return rng.choice(EXPATRIATE_NAMES)
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def vehicle_kinds(rng: random.Random) -> list[str]:
    """The two to four vehicle types one customer's fleet is made of."""
    return rng.sample(VEHICLE_KINDS, rng.randint(2, 4))
