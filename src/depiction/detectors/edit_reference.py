"""In edit mode, words that point at the person in the input image ("her", 照片里的人) and
verbs that take something out of it ("remove", 去掉)."""

from depiction.detectors.lexicon import LexiconDetector


class EditReferenceDetector(LexiconDetector):
    name = "edit_reference"
    signals = ("image_person", "removal")
    modes = ("edit",)
