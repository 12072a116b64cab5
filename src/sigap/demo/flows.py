"""How the desk handles each situation: one function per `Recipe`, which writes
the ticket's timeline into its `Story` and says what the resolution changes in
the customer's records.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sigap.accounts.models import User
from sigap.demo import effects, texts
from sigap.demo.story import Story
from sigap.tickets.choices import ResolutionCode as RC

if TYPE_CHECKING:
    from sigap.demo.planner import Planner

# Share of legacy-unit reports in January-March that went to the head of
# infrastructure: replacing a customer's old units is a cost decision.
MANAGEMENT_SHARE = 0.05
# Share of firmware faults the technicians could not fix over the air.
VENDOR_SHARE = 0.25


# --- the situations -----------------------------------------------------------------
Flow = Callable[["Planner", Story, str], None]


def _unit_fixed(p: Planner, s: Story, by: User, code: str, summary: str, cause: str) -> None:
    s.values["tech"] = by.get_full_name()
    s.resolve(by, code, summary, cause)
    if code == RC.DEVICE_REPLACED:
        p.retired.add(s.plan.vehicle.pk)
        s.plan.effect = effects.replace_unit(p.rng, p.fleet, s.plan.unit)


def unit_old(p: Planner, s: Story, cause: str) -> None:
    s.intake()
    s.wait(3, 25)
    s.note(s.agent, "note.old_device")
    tech = s.escalate(
        s.agent,
        "technicians",
        texts.note(p.rng, "esc.technicians", {"why": "unit tipe lama perlu dicek di lokasi"}),
    )
    if p.rng.random() < 0.5:
        s.wait_for_customer(
            tech, "ask.schedule", "jadwal kendaraan di pool", "cust.schedule", (30, 480)
        )
    s.wait(60, 300)
    if s.plan.reported_at.month <= 3 and p.rng.random() < MANAGEMENT_SHARE:
        head = s.escalate(tech, "head_of_infrastructure", texts.note(p.rng, "esc.head", s.values))
        s.wait(300, 1080)
        _unit_fixed(p, s, head, RC.DEVICE_REPLACED, "sum.device_replaced_head", cause)
    else:
        code = RC.DEVICE_REPLACED if p.rng.random() < 0.65 else RC.TECHNICIAN_VISIT
        summary = "sum.device_replaced" if code == RC.DEVICE_REPLACED else "sum.technician_visit"
        _unit_fixed(p, s, tech, code, summary, cause)
    s.finish(s.agent, "done.unit")


def unit_driver(p: Planner, s: Story, cause: str) -> None:
    s.intake()
    s.wait(3, 25)
    s.note(s.agent, "note.driver_disconnected")
    if p.rng.random() < 0.45:
        s.wait_for_customer(
            s.agent, "ask.connector", "konfirmasi dari driver", "cust.connector", (20, 240)
        )
        s.wait(5, 60)
        s.resolve(s.agent, RC.CUSTOMER_ACTION, "sum.customer_action", cause)
        s.finish(s.agent, "done.unit")
        return
    tech = s.escalate(
        s.agent,
        "technicians",
        texts.note(
            p.rng,
            "esc.technicians",
            {"why": "unit dicabut driver, perlu dipasang ulang dan disegel"},
        ),
    )
    if p.rng.random() < 0.4:
        s.wait_for_customer(
            tech, "ask.schedule", "jadwal kendaraan di pool", "cust.schedule", (30, 480)
        )
    s.wait(60, 300)
    _unit_fixed(p, s, tech, RC.TECHNICIAN_VISIT, "sum.technician_visit", cause)
    s.finish(s.agent, "done.unit")


def unit_blank(p: Planner, s: Story, cause: str) -> None:
    s.intake()
    s.wait(3, 25)
    s.note(s.agent, "note.blank_spot")
    by = s.agent
    if p.rng.random() < 0.1:  # a second opinion before telling the customer it is fine
        by = s.escalate(
            s.agent,
            "technicians",
            texts.note(p.rng, "esc.technicians", {"why": "mohon konfirmasi apakah unit normal"}),
        )
    if p.rng.random() < 0.6:
        s.wait_for_customer(by, "ask.area", "info posisi kendaraan", "cust.area", (20, 240))
    s.wait(5, 60)
    code = p.rng.choice([RC.NO_FAULT_FOUND, RC.INFORMATION_GIVEN])
    s.resolve(by, code, "sum.blank_spot", cause)
    detail_id, detail_en = texts.DETAILS["blank_spot"]
    s.finish(s.agent, "done.info", detail=detail_id, detail_en=detail_en)


def unit_firmware(p: Planner, s: Story, cause: str) -> None:
    s.intake()
    s.wait(3, 25)
    s.note(s.agent, "note.firmware_upgrade")
    tech = s.escalate(
        s.agent,
        "technicians",
        texts.note(p.rng, "esc.technicians", {"why": "firmware perlu upgrade"}),
    )
    s.wait(20, 180)
    p.upgraded.add(s.plan.unit.pk)
    s.plan.effect = effects.upgrade_firmware(p.fleet, s.plan.unit)
    if p.rng.random() < VENDOR_SHARE:
        vendor = s.escalate(tech, "vendor", texts.note(p.rng, "esc.vendor", s.values))
        s.wait(240, 1080)
        s.resolve(vendor, RC.VENDOR_FIXED, "sum.vendor_fixed", cause)
    else:
        s.resolve(tech, RC.FIRMWARE_UPGRADED, "sum.firmware_upgraded", cause)
    s.finish(s.agent, "done.unit")


def unit_damaged(p: Planner, s: Story, cause: str) -> None:
    s.intake()
    tech = s.escalate(
        s.agent,
        "technicians",
        texts.note(p.rng, "esc.technicians", {"why": "unit rusak, perlu dicek di lokasi"}),
    )
    if p.rng.random() < 0.6:
        s.wait_for_customer(
            tech, "ask.schedule", "jadwal kendaraan di pool", "cust.schedule", (30, 480)
        )
    s.wait(60, 300)
    code = RC.DEVICE_REPLACED if p.rng.random() < 0.7 else RC.TECHNICIAN_VISIT
    summary = "sum.device_replaced" if code == RC.DEVICE_REPLACED else "sum.technician_visit"
    _unit_fixed(p, s, tech, code, summary, cause)
    s.finish(s.agent, "done.unit")


def _request_done(s: Story, by: User, code: str, summary: str, detail: str) -> None:
    s.resolve(by, code, summary)
    detail_id, detail_en = texts.DETAILS[detail]
    template = "done.request" if detail_id[0].isupper() else "done.info"
    s.finish(s.agent, template, detail=detail_id, detail_en=detail_en)


def unit_removal(p: Planner, s: Story, cause: str) -> None:
    p.retired.add(s.plan.vehicle.pk)
    s.plan.effect = effects.remove_unit(p.fleet, s.plan.unit, cause)
    s.values["why"] = s.values["why_id"]
    s.intake()
    tech = s.escalate(
        s.agent,
        "technicians",
        texts.note(p.rng, "esc.technicians", {"why": "jadwal pencabutan unit"}),
    )
    if p.rng.random() < 0.7:
        s.wait_for_customer(
            tech, "ask.schedule", "jadwal kendaraan di pool", "cust.schedule", (60, 1200)
        )
    s.wait(120, 600)
    _request_done(s, tech, RC.REQUEST_FULFILLED, "sum.removal", "removal")


def unit_relocation(p: Planner, s: Story, cause: str) -> None:
    p.retired.add(s.plan.vehicle.pk)
    prefix = s.plan.vehicle.plate.split(" ", 1)[0]
    s.values["new_plate"] = new_plate = p.fleet.new_plate(p.rng, prefix)
    s.plan.effect = effects.relocate_unit(s.plan.unit, new_plate)
    s.intake()
    tech = s.escalate(
        s.agent,
        "technicians",
        texts.note(p.rng, "esc.technicians", {"why": "pemindahan unit ke kendaraan baru"}),
    )
    s.wait_for_customer(
        tech, "ask.schedule", "jadwal kendaraan di pool", "cust.schedule", (60, 1200)
    )
    s.wait(120, 600)
    _request_done(s, tech, RC.REQUEST_FULFILLED, "sum.relocation", "relocation")


def account_plate(p: Planner, s: Story, cause: str) -> None:
    vehicle = s.plan.vehicle
    p.retired.add(vehicle.pk)
    s.values["new_plate"] = new_plate = p.fleet.new_plate(p.rng, vehicle.plate.split(" ", 1)[0])
    s.plan.effect = effects.change_plate(vehicle, new_plate)
    s.intake()
    if p.rng.random() < 0.7:
        s.wait_for_customer(
            s.agent, "ask.documents", "foto STNK", "cust.documents", (30, 1200), "STNK"
        )
    else:  # the photo came with the request, right after the desk's answer
        s.pause(1, 5)
        s.customer("cust.documents", "STNK")
    it = s.escalate(s.agent, "it", texts.note(p.rng, "esc.it", {"why": "ubah nopol di sistem"}))
    s.wait(20, 240)
    _request_done(s, it, RC.DATA_UPDATED, "sum.plate", "plate")


def account_owner(p: Planner, s: Story, cause: str) -> None:
    vehicle = s.plan.vehicle
    p.retired.add(vehicle.pk)
    buyer = p.rng.choice([o for o in p.customers if o.pk != s.plan.organisation.pk])
    s.values["buyer"] = buyer.name
    s.plan.effect = effects.transfer_vehicle(p.fleet, vehicle, buyer)
    s.intake()
    s.wait_for_customer(
        s.agent,
        "ask.documents",
        "dokumen jual beli dan STNK",
        "cust.documents",
        (60, 1800),
        "STNK",
    )
    it = s.escalate(
        s.agent, "it", texts.note(p.rng, "esc.it", {"why": "alih langganan ke pemilik baru"})
    )
    s.wait(60, 960)
    _request_done(s, it, RC.DATA_UPDATED, "sum.owner", "owner")


def account_password(p: Planner, s: Story, cause: str) -> None:
    s.intake()
    by = s.agent
    if p.rng.random() < 0.5:
        by = s.escalate(
            s.agent, "it", texts.note(p.rng, "esc.it", {"why": "reset password akun pelanggan"})
        )
    s.wait(5, 120)
    _request_done(s, by, RC.REQUEST_FULFILLED, "sum.password", "password")


def account_access(p: Planner, s: Story, cause: str) -> None:
    s.intake()
    it = s.escalate(s.agent, "it", texts.note(p.rng, "esc.it", {"why": "buat akun pengguna baru"}))
    s.wait(30, 480)
    _request_done(s, it, RC.REQUEST_FULFILLED, "sum.access", "access")


def invoice_copy(p: Planner, s: Story, cause: str) -> None:
    s.intake()
    mk = s.escalate(
        s.agent, "marketing", texts.note(p.rng, "esc.marketing", {"why": "kirim ulang invoice"})
    )
    s.wait(20, 300)
    _request_done(s, mk, RC.INFORMATION_GIVEN, "sum.invoice_copy", "invoice_copy")


def invoice_error(p: Planner, s: Story, cause: str) -> None:
    s.intake()
    mk = s.escalate(
        s.agent,
        "marketing",
        texts.note(p.rng, "esc.marketing", {"why": "jumlah unit di invoice tidak sesuai"}),
    )
    s.wait(120, 1200)
    s.resolve(mk, RC.DATA_UPDATED, "sum.invoice_error", cause)
    detail_id, detail_en = texts.DETAILS["invoice_error"]
    s.finish(s.agent, "done.info", detail=detail_id, detail_en=detail_en)


def payment_confirm(p: Planner, s: Story, cause: str) -> None:
    s.intake()
    by = s.agent
    if p.rng.random() < 0.6:
        by = s.escalate(
            s.agent, "marketing", texts.note(p.rng, "esc.marketing", {"why": "cek mutasi rekening"})
        )
    s.wait(10, 480)
    _request_done(s, by, RC.INFORMATION_GIVEN, "sum.payment_confirm", "payment_confirm")


def feature_request(p: Planner, s: Story, cause: str) -> None:
    s.intake()
    mk = s.escalate(
        s.agent,
        "marketing",
        texts.note(p.rng, "esc.marketing", {"why": "penawaran fitur tambahan"}),
    )
    s.wait_for_customer(mk, "ask.quotation", "persetujuan penawaran", "cust.quotation", (540, 2700))
    s.wait(540, 2160)
    _request_done(s, mk, RC.REQUEST_FULFILLED, "sum.feature_request", "feature_request")


def feature_fault(p: Planner, s: Story, cause: str) -> None:
    s.intake()
    group = {"firmware_upgrade": "technicians", "application_bug": "it"}.get(cause, "marketing")
    why = "data fitur opsional tidak muncul"
    by = s.escalate(s.agent, group, texts.note(p.rng, f"esc.{group}", {"why": why}))
    s.wait(60, 960)
    code = {"firmware_upgrade": RC.FIRMWARE_UPGRADED, "application_bug": RC.RESOLVED_REMOTELY}.get(
        cause, RC.INFORMATION_GIVEN
    )
    s.resolve(by, code, "sum.feature_fault", cause)
    detail_id, detail_en = texts.DETAILS["feature_fault"]
    s.finish(s.agent, "done.info", detail=detail_id, detail_en=detail_en)


def app_error(p: Planner, s: Story, cause: str) -> None:
    s.intake()
    it = s.escalate(s.agent, "it", texts.note(p.rng, "esc.it", {"why": "error saat unduh laporan"}))
    s.wait(60, 960)
    if cause == "application_bug":
        s.resolve(it, RC.RESOLVED_REMOTELY, "sum.app_error", cause)
    else:
        s.resolve(it, RC.INFORMATION_GIVEN, "sum.app_user", cause)
    detail_id, detail_en = texts.DETAILS["app_error"]
    s.finish(s.agent, "done.info", detail=detail_id, detail_en=detail_en)


def app_request(p: Planner, s: Story, cause: str) -> None:
    s.intake()
    it = s.escalate(s.agent, "it", texts.note(p.rng, "esc.it", {"why": "permintaan laporan baru"}))
    s.wait(540, 4320)
    _request_done(s, it, RC.REQUEST_FULFILLED, "sum.app_request", "app_request")


FLOWS: dict[str, Flow] = {
    f.__name__: f
    for f in [
        unit_old,
        unit_driver,
        unit_blank,
        unit_firmware,
        unit_damaged,
        unit_removal,
        unit_relocation,
        account_plate,
        account_owner,
        account_password,
        account_access,
        invoice_copy,
        invoice_error,
        payment_confirm,
        feature_request,
        feature_fault,
        app_error,
        app_request,
    ]
}
