"""What the browser is told to allow (django-csp, django-permissions-policy).

The chat page and the admin load only emochat's own scripts, styles and images, and open sockets only to
emochat: no inline script, no eval, no frames, no other site. The page needs no camera, microphone, location or
payment, so nothing on it may ask for them.
"""

from csp.constants import NONE, SELF

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],  # 'self' covers the same host's ws:// and wss:// (CSP Level 3)
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "manifest-src": [SELF],
        "worker-src": [SELF],
    },
}

PERMISSIONS_POLICY = {
    feature: []
    for feature in ("accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
                    "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment", "usb",
                    "screen-wake-lock", "xr-spatial-tracking")
}
