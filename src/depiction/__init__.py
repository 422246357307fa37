"""depiction: precise, harm-focused decisions for image-generation requests.

from depiction import Engine
decision = Engine.default().check("Studio Ghibli style portrait of Elon Musk")
"""

from depiction.decision import Decision, PolicyRef, RuleHit, Signal
from depiction.engine import Engine
from depiction.errors import DataError, DepictionError, ImageError, PolicyError, RequestError
from depiction.request import Request, RequestContext

__all__ = [
    "DataError",
    "Decision",
    "DepictionError",
    "Engine",
    "ImageError",
    "PolicyError",
    "PolicyRef",
    "Request",
    "RequestContext",
    "RequestError",
    "RuleHit",
    "Signal",
]
