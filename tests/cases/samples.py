"""One example value of every case event, for the pair-by-pair lifecycle tests."""

from __future__ import annotations

from datetime import date

from divert.cases import events as ev

D = date(2026, 7, 2)

SAMPLES: dict[str, ev.Event] = {
    "PadReferred": ev.PadReferred("INC-1", D, "officer.k", "prov-a"),
    "CaseFiled": ev.CaseFiled(D, ("Int Poss Contr Subst By Per Not Reg",), "INC-1", True),
    "Screened": ev.Screened(1, "divert", "phl-dao-simple-possession", 1, "ab" * 32),
    "DecisionConfirmed": ev.DecisionConfirmed(1, "ada.one"),
    "DecisionOverridden": ev.DecisionOverridden(1, "prosecute", "asked for trial", "ada.one",
                                                approval="supervisor"),
    "ReviewApproved": ev.ReviewApproved(3, "sup.one"),
    "ReviewRefused": ev.ReviewRefused(3, "sup.one", "PWID stays a felony"),
    "OfferMade": ev.OfferMade(date(2026, 7, 30), "90 days of engagement"),
    "OfferAccepted": ev.OfferAccepted(D),
    "OfferDeclined": ev.OfferDeclined(D),
    "OfferExpired": ev.OfferExpired(D),
    "ReferredToProvider": ev.ReferredToProvider(3, "prov-a"),
    "ConsentRecorded": ev.ConsentRecorded(4),
    "ConsentRevoked": ev.ConsentRevoked(4, D),
    "EngagementReported": ev.EngagementReported(5),
    "DiversionCompleted": ev.DiversionCompleted(D),
    "ReturnedToProsecution": ev.ReturnedToProsecution("did not engage"),
    "ChargesWithdrawn": ev.ChargesWithdrawn(D, "diversion completed"),
    "Disposed": ev.Disposed(D, "guilty plea"),
    "ReArrestRecorded": ev.ReArrestRecorded("C-2", D),
    "BailRequested": ev.BailRequested("cash", D, "ada.one", 5000, "two bench warrants",
                                      "district_attorney"),
    "BailRequestApproved": ev.BailRequestApproved(4, "da.one"),
    "BailRequestRefused": ev.BailRequestRefused(4, "da.one", "the policy asks no cash"),
    "CourtBailSet": ev.CourtBailSet("cash", D, 2500),
    "SupervisionRequested": ev.SupervisionRequested(12, D, "ada.one", "probation_1y_max"),
}
