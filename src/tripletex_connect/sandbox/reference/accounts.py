"""The Norwegian standard chart of accounts (NS 4102) as a new Tripletex company has it."""

from __future__ import annotations

from typing import Any

# number, name, default VAT type number (or None), ledger type
CHART: tuple[tuple[int, str, str | None, str], ...] = (
    (1000, "Forskning og utvikling", None, "ASSET"),
    (1070, "Utsatt skattefordel", None, "GENERAL"),
    (1080, "Goodwill", None, "ASSET"),
    (1100, "Bygninger", None, "ASSET"),
    (1130, "Anlegg under utførelse", None, "ASSET"),
    (1150, "Tomter", None, "ASSET"),
    (1200, "Maskiner og anlegg", None, "ASSET"),
    (1209, "Akkumulerte avskrivninger maskiner og anlegg", None, "GENERAL"),
    (1230, "Personbiler", None, "ASSET"),
    (1249, "Akkumulerte avskrivninger transportmidler", None, "GENERAL"),
    (1250, "Inventar", None, "ASSET"),
    (1259, "Akkumulerte avskrivninger inventar", None, "GENERAL"),
    (1280, "Kontormaskiner", None, "ASSET"),
    (1290, "Andre driftsmidler", None, "ASSET"),
    (1350, "Investeringer i aksjer og andeler", None, "GENERAL"),
    (1380, "Fordringer på konsernselskap", None, "GENERAL"),
    (1400, "Råvarer", None, "GENERAL"),
    (1460, "Innkjøpte varer for videresalg", None, "GENERAL"),
    (1500, "Kundefordringer", None, "CUSTOMER"),
    (1530, "Opptjent, ikke fakturert driftsinntekt", None, "GENERAL"),
    (1570, "Andre kortsiktige fordringer", None, "GENERAL"),
    (1578, "Uoppgjorte reiseforskudd", None, "GENERAL"),
    (1579, "Andre kortsiktige fordringer, ansatte", None, "GENERAL"),
    (1700, "Forskuddsbetalt leiekostnad", None, "GENERAL"),
    (1710, "Forskuddsbetalt rentekostnad", None, "GENERAL"),
    (1720, "Andre depositum", None, "GENERAL"),
    (1749, "Andre forskuddsbetalte kostnader", None, "GENERAL"),
    (1800, "Aksjer og andeler", None, "GENERAL"),
    (1900, "Kontanter", None, "GENERAL"),
    (1920, "Bankinnskudd", None, "GENERAL"),
    (1930, "Bankinnskudd, sparekonto", None, "GENERAL"),
    (1950, "Bankinnskudd for skattetrekk", None, "GENERAL"),
    (2000, "Aksjekapital", None, "GENERAL"),
    (2020, "Overkurs", None, "GENERAL"),
    (2050, "Annen egenkapital", None, "GENERAL"),
    (2080, "Udekket tap", None, "GENERAL"),
    (2120, "Utsatt skatt", None, "GENERAL"),
    (2200, "Konvertible lån", None, "GENERAL"),
    (2220, "Gjeld til kredittinstitusjoner", None, "GENERAL"),
    (2250, "Gjeld til ansatte og eiere", None, "GENERAL"),
    (2380, "Kassekreditt", None, "GENERAL"),
    (2400, "Leverandørgjeld", None, "VENDOR"),
    (2500, "Betalbar skatt, ikke utlignet", None, "GENERAL"),
    (2510, "Betalbar skatt, utlignet", None, "GENERAL"),
    (2600, "Forskuddstrekk", None, "GENERAL"),
    (2610, "Utleggstrekk", None, "GENERAL"),
    (2700, "Utgående merverdiavgift, høy sats", None, "GENERAL"),
    (2701, "Utgående merverdiavgift, middels sats", None, "GENERAL"),
    (2702, "Utgående merverdiavgift, lav sats", None, "GENERAL"),
    (2710, "Inngående merverdiavgift, høy sats", None, "GENERAL"),
    (2711, "Inngående merverdiavgift, middels sats", None, "GENERAL"),
    (2712, "Inngående merverdiavgift, lav sats", None, "GENERAL"),
    (2740, "Oppgjørskonto merverdiavgift", None, "GENERAL"),
    (2770, "Skyldig arbeidsgiveravgift", None, "GENERAL"),
    (2780, "Påløpt arbeidsgiveravgift på opptjent ferielønn", None, "GENERAL"),
    (2800, "Avsatt utbytte", None, "GENERAL"),
    (2900, "Forskudd fra kunder", None, "GENERAL"),
    (2910, "Gjeld til ansatte og eiere", None, "GENERAL"),
    (2930, "Skyldig lønn", None, "GENERAL"),
    (2940, "Skyldige feriepenger", None, "GENERAL"),
    (2960, "Påløpte kostnader", None, "GENERAL"),
    (2990, "Annen kortsiktig gjeld", None, "GENERAL"),
    (3000, "Salgsinntekt, avgiftspliktig", "3", "GENERAL"),
    (3020, "Salgsinntekt, avgiftspliktig, middels sats", "31", "GENERAL"),
    (3030, "Salgsinntekt, avgiftspliktig, lav sats", "33", "GENERAL"),
    (3100, "Salgsinntekt, avgiftsfri", "5", "GENERAL"),
    (3200, "Salgsinntekt, utenfor avgiftsområdet", "6", "GENERAL"),
    (3400, "Offentlig tilskudd/refusjon", "0", "GENERAL"),
    (3600, "Leieinntekt fast eiendom", "0", "GENERAL"),
    (3700, "Provisjonsinntekt", "3", "GENERAL"),
    (3900, "Annen driftsrelatert inntekt", "0", "GENERAL"),
    (4000, "Innkjøp av råvarer og halvfabrikata", "1", "GENERAL"),
    (4300, "Innkjøp av varer for videresalg", "1", "GENERAL"),
    (4500, "Fremmedytelse og underentreprise", "1", "GENERAL"),
    (4990, "Beholdningsendring", None, "GENERAL"),
    (5000, "Lønn til ansatte", None, "GENERAL"),
    (5020, "Feriepenger", None, "GENERAL"),
    (5090, "Påløpt, ikke utbetalt lønn", None, "GENERAL"),
    (5300, "Tantieme", None, "GENERAL"),
    (5400, "Arbeidsgiveravgift", None, "GENERAL"),
    (5420, "Innberetningspliktig pensjonskostnad", None, "GENERAL"),
    (5800, "Refusjon av sykepenger", None, "GENERAL"),
    (5900, "Annen personalkostnad", None, "GENERAL"),
    (6000, "Avskrivning på bygninger og annen fast eiendom", None, "GENERAL"),
    (6010, "Avskrivning på transportmidler", None, "GENERAL"),
    (6015, "Avskrivning på maskiner", None, "GENERAL"),
    (6017, "Avskrivning på inventar", None, "GENERAL"),
    (6020, "Avskrivning på immaterielle eiendeler", None, "GENERAL"),
    (6030, "Avskrivning på driftsløsøre", None, "GENERAL"),
    (6100, "Frakt, transport og forsikring ved vareforsendelse", "1", "GENERAL"),
    (6300, "Leie lokale", "0", "GENERAL"),
    (6320, "Renovasjon, vann, avløp o.l.", "1", "GENERAL"),
    (6340, "Lys, varme", "1", "GENERAL"),
    (6400, "Leie maskiner", "1", "GENERAL"),
    (6420, "Leie datasystemer", "1", "GENERAL"),
    (6540, "Inventar", "1", "GENERAL"),
    (6550, "Driftsmateriale", "1", "GENERAL"),
    (6600, "Reparasjon og vedlikehold bygninger", "1", "GENERAL"),
    (6700, "Fremmed tjeneste", "1", "GENERAL"),
    (6705, "Regnskapshonorar", "1", "GENERAL"),
    (6720, "Honorar for økonomisk og juridisk bistand", "1", "GENERAL"),
    (6800, "Kontorrekvisita", "1", "GENERAL"),
    (6810, "Data/EDB-kostnad", "1", "GENERAL"),
    (6840, "Aviser, tidsskrifter, bøker o.l.", "13", "GENERAL"),
    (6860, "Møte, kurs, oppdatering o.l.", "1", "GENERAL"),
    (6900, "Telefon", "1", "GENERAL"),
    (6940, "Porto", "0", "GENERAL"),
    (7000, "Drivstoff", "1", "GENERAL"),
    (7100, "Bilgodtgjørelse, oppgavepliktig", None, "GENERAL"),
    (7140, "Reisekostnad, ikke oppgavepliktig", "13", "GENERAL"),
    (7150, "Diettkostnad, oppgavepliktig", None, "GENERAL"),
    (7320, "Reklamekostnad", "1", "GENERAL"),
    (7350, "Representasjon, fradragsberettiget", "1", "GENERAL"),
    (7400, "Kontingent, fradragsberettiget", "0", "GENERAL"),
    (7500, "Forsikringspremie", "0", "GENERAL"),
    (7700, "Styre- og bedriftsforsamlingsmøter", "1", "GENERAL"),
    (7770, "Bank- og kortgebyrer", "0", "GENERAL"),
    (7790, "Annen kostnad, fradragsberettiget", "1", "GENERAL"),
    (7830, "Tap på fordringer, fradragsberettiget", None, "GENERAL"),
    (8040, "Renteinntekt, skattefri", None, "GENERAL"),
    (8050, "Annen renteinntekt", None, "GENERAL"),
    (8060, "Valutagevinst (agio)", None, "GENERAL"),
    (8070, "Annen finansinntekt", None, "GENERAL"),
    (8140, "Rentekostnad, ikke fradragsberettiget", None, "GENERAL"),
    (8150, "Annen rentekostnad", None, "GENERAL"),
    (8160, "Valutatap (disagio)", None, "GENERAL"),
    (8170, "Annen finanskostnad", None, "GENERAL"),
    (8300, "Betalbar skatt", None, "GENERAL"),
    (8320, "Endring utsatt skatt", None, "GENERAL"),
    (8800, "Årsresultat", None, "GENERAL"),
    (8900, "Overføringer fond for vurderingsforskjeller", None, "GENERAL"),
    (8920, "Avsatt utbytte", None, "GENERAL"),
    (8960, "Overføringer annen egenkapital", None, "GENERAL"),
)

BANK_ACCOUNTS = {1920, 1930, 1950}
SUPPLIER_INVOICE_RANGE = range(4000, 8000)


def accounts(vat_ids: dict[str, int]) -> list[dict[str, Any]]:
    """The chart as Account objects; `vat_ids` maps VAT type numbers to their ids."""
    out = []
    for index, (number, name, vat, ledger) in enumerate(CHART, start=1):
        account: dict[str, Any] = {
            "id": index, "number": number, "name": name, "description": "", "ledgerType": ledger,
            "vatLocked": False, "isCloseable": number < 3000, "isInactive": False,
            "isApplicableForSupplierInvoice": number in SUPPLIER_INVOICE_RANGE,
            "requireReconciliation": number in BANK_ACCOUNTS or ledger in ("CUSTOMER", "VENDOR"),
            "isBankAccount": number in BANK_ACCOUNTS, "isInvoiceAccount": number == 1920,
            "requiresDepartment": False, "requiresProject": False, "saftCode": str(number)[:2],
            "displayName": f"{number} {name}",
        }
        if number in BANK_ACCOUNTS:
            account["bankAccountNumber"] = ""
        if vat is not None:
            account["vatType"] = {"id": vat_ids[vat]}
        out.append(account)
    return out


def account_id(number: int) -> int:
    """The id of an account in the chart, by number."""
    for index, row in enumerate(CHART, start=1):
        if row[0] == number:
            return index
    raise KeyError(number)
