"""The PES V2 "PES_Aller" ORMC file (ordres de recette multi-créanciers) for the DGFiP's
Hélios: one bordereau per export, one pièce per invoice, its lines, the payer as tiers, and
the invoice PDF as pièce justificative (gzip, base64) in PES_PJ. Pure: data in, bytes out.

The layout follows what communes' treasurers receive from the other family portals
(Noethys/Noethysweb export the same blocks): Enveloppe, EnTetePES, PES_RecetteAller
(EnTeteRecette, Bordereau > BlocBordereau + Piece > BlocPiece + LigneDePiece > BlocLignePiece
+ Tiers), PES_PJ.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

NS_ALLER = "http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller"
NSMAP = {
    "n": NS_ALLER,
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "xenc": "http://www.w3.org/2001/04/xmlenc#",
    "xad": "http://uri.etsi.org/01903/v1.1.1#",
    "reca": "http://www.minefi.gouv.fr/cp/helios/pes_v2/recette/r0/aller",
    "cm": "http://www.minefi.gouv.fr/cp/helios/pes_v2/commun",
}
TYPE_BORDEREAU_ORDINAIRE = "06"  # titres ordinaires
TYPE_PIECE_ORMC = "15"  # titre de recette multi-créancier
NATURE_PIECE_FONCTIONNEMENT = "01"
NATURE_COMPTABLE = "588"  # autres prestations de services (as the peers use for canteen and childcare)
TYPE_PJ_FACTURE = "007"
SEQUENCE_CODES = {"FRST": "02", "RCUR": "03", "FNAL": "04"}


@dataclass(frozen=True)
class Tiers:
    civilite: str  # "M", "MME" or ""
    nom: str
    prenom: str
    address: str
    postal_code: str
    city: str
    reference: str  # the numéro famille: how the treasurer finds the debtor again


@dataclass(frozen=True)
class SepaInfo:
    collection_date: dt.date
    sequence: str  # FRST / RCUR
    rum: str
    signed_on: dt.date
    iban: str
    bic: str
    holder: str


@dataclass(frozen=True)
class Ligne:
    label: str
    amount: Decimal


@dataclass(frozen=True)
class Piece:
    number: str  # the invoice number
    issued_on: dt.date
    label: str
    total: Decimal
    tiers: Tiers
    lignes: list[Ligne]
    pdf: bytes | None = None
    sepa: SepaInfo | None = None


@dataclass(frozen=True)
class Bordereau:
    id_poste: str  # poste comptable (IdPost, 7)
    id_collectivite: str  # SIRET of the collectivité (IdColl, 14)
    code_collectivite: str  # CodCol (3)
    code_budget: str  # CodBud (2 to 10)
    code_produit: str  # CodProdLoc (4), optional
    exercice: int
    number: int  # IdBord, the bordereau number within the year
    issued_on: dt.date
    month: int
    label: str
    file_name: str
    pieces: list[Piece] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((p.total for p in self.pieces), Decimal("0.00"))


def _text(value: str, length: int) -> str:
    """Hélios reads uppercase ASCII without line breaks."""
    value = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    return " ".join(value.replace("\n", " ").replace("\r", " ").split()).upper()[:length]


def _v(parent: etree._Element, tag: str, value) -> etree._Element:
    el = etree.SubElement(parent, tag)
    el.set("V", str(value))
    return el


def _amount(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit()) or "0"


def key_modulo_11(parts: list[str]) -> int:
    """The ORMC clé 1: weights 2..7 from the right over the digits (non-digits count as 0)."""
    digits = "".join(parts)[::-1]
    total = sum((int(c) if c.isdigit() else 0) * (2 + i % 6) for i, c in enumerate(digits))
    key = 11 - total % 11
    return 1 if key > 9 else key


def key_modulo_23(parts: list[str]) -> str:
    """The ORMC clé 2: a letter from the number modulo 23 (no I, O, Z)."""
    return "ABCDEFGHJKLMNPQRSTUVWXY"[int(_digits("".join(parts))) % 23]


def pj_id(piece: Piece) -> str:
    return _text(f"FACTURE{_digits(piece.number)}", 50).replace(" ", "")


def pj_name(piece: Piece) -> str:
    return f"facture_{piece.number}.pdf".replace("/", "-")


def build_pes_aller(bordereau: Bordereau, *, emitter: str = "Marelle") -> bytes:
    if not bordereau.pieces:
        raise ValueError("no piece")
    root = etree.Element(f"{{{NS_ALLER}}}PES_Aller", nsmap=NSMAP)

    enveloppe = etree.SubElement(root, "Enveloppe")
    parametres = etree.SubElement(enveloppe, "Parametres")
    _v(parametres, "Version", "2")
    _v(parametres, "TypFic", "PESORMC")
    _v(parametres, "NomFic", bordereau.file_name[:100])
    emetteur = etree.SubElement(enveloppe, "Emetteur")
    _v(emetteur, "Sigle", _text(emitter, 50))
    _v(emetteur, "Adresse", _text(emitter, 100))

    entete = etree.SubElement(root, "EnTetePES")
    _v(entete, "DteStr", bordereau.issued_on.isoformat())
    _v(entete, "IdPost", bordereau.id_poste[:7])
    _v(entete, "IdColl", bordereau.id_collectivite[:14])
    _v(entete, "CodCol", bordereau.code_collectivite[:3])
    _v(entete, "CodBud", bordereau.code_budget[:10])

    recette = etree.SubElement(root, "PES_RecetteAller")
    entete_recette = etree.SubElement(recette, "EnTeteRecette")
    _v(entete_recette, "IdVer", "2")
    _v(entete_recette, "InfoDematerialisee", "0")  # no electronic signature: PJs are references

    bord = etree.SubElement(recette, "Bordereau")
    bloc = etree.SubElement(bord, "BlocBordereau")
    _v(bloc, "Exer", bordereau.exercice)
    _v(bloc, "IdBord", str(bordereau.number)[:7])
    _v(bloc, "DteBordEm", bordereau.issued_on.isoformat())
    _v(bloc, "TypBord", TYPE_BORDEREAU_ORDINAIRE)
    _v(bloc, "NbrPce", len(bordereau.pieces))
    _v(bloc, "MtBordHt", _amount(bordereau.total))
    _v(bloc, "DteAsp", bordereau.issued_on.isoformat())
    _v(bloc, "Objet", _text(bordereau.label, 160))

    year2 = str(bordereau.exercice)[-2:]
    for index, piece in enumerate(bordereau.pieces, start=1):
        p = etree.SubElement(bord, "Piece")
        bp = etree.SubElement(p, "BlocPiece")
        _v(bp, "IdPce", index)
        _v(bp, "TypPce", TYPE_PIECE_ORMC)
        _v(bp, "NatPce", NATURE_PIECE_FONCTIONNEMENT)
        if piece.pdf:
            _v(bp, "Edition", "03")  # the invoice is sent by the ordonnateur, with its PDF
        _v(bp, "ObjPce", _text(piece.label, 160))
        number13 = _digits(piece.number).rjust(13, "0")[-13:]
        _v(bp, "NumDette", _digits(piece.number)[-15:])
        _v(bp, "Per", str(bordereau.month)[:1])  # one character, as the peers' files carry it
        _v(
            bp,
            "Cle1",
            key_modulo_11([bordereau.code_collectivite, str(bordereau.number), year2, str(bordereau.month), number13]),
        )
        _v(bp, "Cle2", key_modulo_23([year2, str(bordereau.month), "00", number13]))
        if piece.pdf:
            ref = etree.SubElement(bp, "PJRef")
            _v(ref, "Support", "01")  # électronique
            _v(ref, "IdUnique", pj_id(piece))
            _v(ref, "NomPJ", pj_name(piece))
        _v(bp, "NumeroFacture", piece.number[:20])

        # A title cannot carry a negative line: a regularisation credit is folded into one line.
        lignes = piece.lignes
        if not lignes or any(line.amount <= 0 for line in lignes):
            lignes = [Ligne(piece.label, piece.total)]
        for line_no, ligne in enumerate(lignes, start=1):
            ldp = etree.SubElement(p, "LigneDePiece")
            blp = etree.SubElement(ldp, "BlocLignePiece")
            info = etree.SubElement(blp, "InfoLignePiece")
            _v(info, "IdLigne", line_no)
            _v(info, "ObjLignePce", _text(ligne.label, 160))
            if bordereau.code_produit:
                _v(info, "CodProdLoc", bordereau.code_produit[:4])
            _v(info, "Nature", NATURE_COMPTABLE)
            _v(info, "Majo", "0")
            _v(info, "TvaIntraCom", "0")
            _v(info, "MtHT", _amount(ligne.amount))
            if piece.sepa:
                sepa = etree.SubElement(blp, "InfoPrelevementSEPA")
                _v(sepa, "NatPrel", "01")
                _v(sepa, "PerPrel", "07")  # ponctuel
                _v(sepa, "DtePrel", piece.sepa.collection_date.isoformat())
                _v(sepa, "MtPrel", _amount(ligne.amount))
                _v(sepa, "SequencePres", SEQUENCE_CODES.get(piece.sepa.sequence, "01"))
                _v(sepa, "DateSignMandat", piece.sepa.signed_on.isoformat())
                _v(sepa, "RefUniMdt", piece.sepa.rum)
                _v(sepa, "LibPrel", _text(f"FACTURE {piece.number}", 140))
            _tiers(ldp, piece)

    pieces_with_pdf = [p for p in bordereau.pieces if p.pdf]
    if pieces_with_pdf:
        pes_pj = etree.SubElement(root, "PES_PJ")
        _v(etree.SubElement(pes_pj, "EnTetePES_PJ"), "IdVer", "1")
        for piece in pieces_with_pdf:
            pj = etree.SubElement(pes_pj, "PJ")
            contenu = etree.SubElement(pj, "Contenu")
            fichier = etree.SubElement(contenu, "Fichier")
            fichier.set("MIMEType", "application/pdf")
            fichier.text = base64.b64encode(gzip.compress(piece.pdf, mtime=0)).decode("ascii")
            _v(pj, "IdUnique", pj_id(piece))
            _v(pj, "NomPJ", pj_name(piece))
            _v(pj, "TypePJ", TYPE_PJ_FACTURE)
            _v(pj, "Description", _text(f"FACTURE {piece.number}", 255))

    return etree.tostring(root, xml_declaration=True, encoding="ISO-8859-1", pretty_print=True)


def _tiers(parent: etree._Element, piece: Piece) -> None:
    tiers = etree.SubElement(parent, "Tiers")
    info = etree.SubElement(tiers, "InfoTiers")
    _v(info, "RefTiers", _text(piece.tiers.reference, 15))
    _v(info, "CatTiers", "01")  # personne physique
    _v(info, "NatJur", "01")  # particulier
    _v(info, "TypTiers", "01")
    if piece.tiers.civilite:
        _v(info, "Civilite", piece.tiers.civilite[:10])
    _v(info, "Nom", _text(piece.tiers.nom, 38))
    if piece.tiers.prenom:
        _v(info, "Prenom", _text(piece.tiers.prenom, 38))
    adresse = etree.SubElement(tiers, "Adresse")
    _v(adresse, "TypAdr", "1")
    _v(adresse, "Adr2", _text(piece.tiers.address, 38))
    _v(adresse, "CP", piece.tiers.postal_code[:5])
    _v(adresse, "Ville", _text(piece.tiers.city, 38))
    _v(adresse, "CodRes", "0")
    if piece.sepa:
        compte = etree.SubElement(tiers, "CpteBancaire")
        _v(compte, "BIC", piece.sepa.bic)
        _v(compte, "IBAN", piece.sepa.iban)
        _v(compte, "TitCpte", _text(piece.sepa.holder, 32))
