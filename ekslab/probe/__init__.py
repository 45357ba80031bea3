"""The probe: observe the cluster endpoint from where you stand and compare it with the model (spec section 11).

``ekslab.probe(...)`` is the function :func:`ekslab.probe.run.probe`; Python also binds the name of this
package on ``ekslab`` once a module in it is imported, so the package itself is callable and does the same.
Taught in notebooks/04_troubleshooting.ipynb ("probe from where you stand").
"""

import sys
import types


class _CallablePackage(types.ModuleType):
    def __call__(self, *args, **kwargs):
        from ekslab.probe.run import probe

        return probe(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
