"""The documents demo customers send: a one-page PDF standing in for the scan of a
vehicle's registration (STNK), so that a data-change request carries the document
the desk keeps on file, as a real one would."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A6, landscape
from reportlab.pdfgen.canvas import Canvas

from sigap.tickets.attachments import AttachmentIn
from sigap.tickets.models import Ticket

TITLES = {"STNK": "Surat Tanda Nomor Kendaraan (STNK)"}


def scanned(document: str, ticket: Ticket) -> AttachmentIn:
    """`document` (a key of TITLES) for the ticket's vehicle, as a PDF file."""
    plate = ticket.vehicle.plate if ticket.vehicle_id else "-"
    buffer = io.BytesIO()
    # invariant=True leaves out the creation date, so every load writes the same bytes.
    pdf = Canvas(buffer, pagesize=landscape(A6), invariant=True)
    pdf.setTitle(f"{document} {plate}")
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(24, 250, TITLES[document])
    pdf.setFont("Helvetica", 11)
    pdf.drawString(24, 220, f"Nomor polisi: {plate}")
    pdf.drawString(24, 200, f"Tiket: {ticket.number}")
    pdf.setFont("Helvetica-Oblique", 9)
    pdf.drawString(24, 40, "Dokumen contoh data demo Sigap / Sigap demo data sample")
    pdf.showPage()
    pdf.save()
    name = f"{document.lower()}-{plate.replace(' ', '')}.pdf"
    return AttachmentIn(filename=name, content_type="application/pdf", content=buffer.getvalue())
