"""The infrastructure registry: a huvudman's devices and its digital services. The models live
in one module per concept (devices, digital services); this module gathers them for Django."""

from digiplan.registry.device_models import Device, DeviceUnitRule  # noqa: F401
from digiplan.registry.digital_models import DigitalService, ServiceReview, ServiceUse  # noqa: F401
from digiplan.registry.expected_tools_models import ExpectedToolLink  # noqa: F401
