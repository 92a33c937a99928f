"""What the browser is told to allow (django-csp, django-permissions-policy), how often a password may be
guessed (django-axes), and whether staff sign in with a second factor (django-otp).

The chat page and the admin load only emochat's own scripts, styles and images, and open sockets only to
emochat: no inline script, no eval, no frames, no other site. The page needs no camera, microphone, location or
payment, so nothing on it may ask for them.
"""

from datetime import timedelta

from csp.constants import NONE, SELF

from emochat import env

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

# Staff sign-in: after EMOCHAT_LOGIN_FAILURES wrong passwords for one username from one address, that pair is
# refused (HTTP 429) for EMOCHAT_LOGIN_COOLOFF_MINUTES, even with the right password; a success clears the count.
# The attempts are kept in the database, so every web process sees them.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.integer("EMOCHAT_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("EMOCHAT_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
# The address is REMOTE_ADDR, which Daphne's --proxy-headers sets from the proxy's X-Forwarded-For.

# Staff two-factor sign-in (conversations/moderation/two_factor.py): `off`; `optional` (staff who set up an
# authenticator app must give its code); `required` (every admin page and the moderators' socket need a session
# signed in with a code; production's default). A wrong code counts as a failed sign-in above.
STAFF_TWO_FACTOR_MODES = ("off", "optional", "required")
EMOCHAT_STAFF_TWO_FACTOR = env.choice("EMOCHAT_STAFF_TWO_FACTOR", "off", STAFF_TWO_FACTOR_MODES)
OTP_TOTP_ISSUER = "emochat"  # the name authenticator apps show
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin's device pages never show a secret again once it is saved
