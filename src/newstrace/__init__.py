"""newstrace: from raw news to evidence — what happened, who says so, and who else confirms it."""

__version__ = "0.1.0"

import types as _types

# the Python API (newstrace.api), imported on first use so that `import newstrace` stays fast
_API = ("open", "Newstrace", "Records", "Story", "Analysed", "AnalysisError")


class _CallablePackage(_types.ModuleType):
    """``newstrace.analyze`` is both the package of analysis stages and the API call ``newstrace.analyze(text)``:
    Python binds a subpackage to its parent's attribute of the same name, so the package itself is made callable."""

    def __call__(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN204
        from newstrace.api import analyze as _analyze_one

        return _analyze_one(*args, **kwargs)


from newstrace import analyze as _analyze_package  # noqa: E402 - an empty package __init__, cheap to import

_analyze_package.__class__ = _CallablePackage


def __getattr__(name: str):  # noqa: ANN202 - PEP 562 lazy attribute
    if name in _API:
        from newstrace import api

        return getattr(api, name)
    raise AttributeError(f"module 'newstrace' has no attribute {name!r}")
