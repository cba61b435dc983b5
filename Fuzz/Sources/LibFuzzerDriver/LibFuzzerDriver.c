// Intentionally empty: SwiftPM needs one source file; the declaration lives in include/LibFuzzerDriver.h.
#include "LibFuzzerDriver.h"
