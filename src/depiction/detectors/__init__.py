"""The detector table: built-ins plus any third-party detector registered as an entry point.

Third-party packages join with an entry point in the ``depiction.detectors`` group whose
value is a `Detector` subclass; built-ins are listed here the same way, by name.
"""

from __future__ import annotations

from importlib.metadata import entry_points

from depiction.detectors.artists import ArtistsDetector
from depiction.detectors.base import Detector
from depiction.detectors.context import ContextDetector
from depiction.detectors.deception import DeceptionDetector
from depiction.detectors.edit_reference import EditReferenceDetector
from depiction.detectors.extremism import ExtremismDetector
from depiction.detectors.fraud import FraudDetector
from depiction.detectors.hate import HateDetector
from depiction.detectors.image_faces import ImageFacesDetector
from depiction.detectors.image_minor import ImageMinorDetector
from depiction.detectors.image_nudity import ImageNudityDetector
from depiction.detectors.image_optout import ImageOptoutDetector
from depiction.detectors.image_photo import ImagePhotoDetector
from depiction.detectors.image_real_person import ImageRealPersonDetector
from depiction.detectors.learned import LearnedDetector
from depiction.detectors.minors import MinorsDetector
from depiction.detectors.misspelt_person import MisspeltPersonDetector
from depiction.detectors.optout import OptoutDetector
from depiction.detectors.question import QuestionDetector
from depiction.detectors.real_person import RealPersonDetector
from depiction.detectors.self_harm import SelfHarmDetector
from depiction.detectors.semantic import SemanticDetector
from depiction.detectors.sexual import SexualDetector
from depiction.detectors.trait_edit import TraitEditDetector
from depiction.detectors.violence import ViolenceDetector
from depiction.detectors.weapons import WeaponsDetector

BUILTIN_DETECTORS: dict[str, type[Detector]] = {
    cls.name: cls
    for cls in (
        SexualDetector,
        MinorsDetector,
        RealPersonDetector,
        MisspeltPersonDetector,
        OptoutDetector,
        ImageOptoutDetector,
        ArtistsDetector,
        EditReferenceDetector,
        ViolenceDetector,
        SelfHarmDetector,
        ExtremismDetector,
        HateDetector,
        DeceptionDetector,
        FraudDetector,
        WeaponsDetector,
        ContextDetector,
        QuestionDetector,
        TraitEditDetector,
        LearnedDetector,
        ImageFacesDetector,
        ImagePhotoDetector,
        ImageRealPersonDetector,
        ImageNudityDetector,
        ImageMinorDetector,
        SemanticDetector,
    )
}


def available_detectors() -> dict[str, type[Detector]]:
    """Built-ins and installed plugins, by name (a plugin cannot shadow a built-in)."""
    table = dict(BUILTIN_DETECTORS)
    for entry in entry_points(group="depiction.detectors"):
        if entry.name not in table:
            table[entry.name] = entry.load()
    return table


__all__ = ["BUILTIN_DETECTORS", "Detector", "available_detectors"]
