// SwiftPM's system-library target needs a header of its own to hang the module map on: this one only forwards
// to Debian's libmosquitto-dev (the client API, and the MQTT 5 reason codes and property identifiers).
#include <mosquitto.h>
#include <mqtt_protocol.h>
