"""The developer portal: server-rendered pages (Jinja2) over the Platform API's behaviour.

Pages read through the store's query functions and change things only through the Platform API,
called in-process with the signed-in user's session, so authorisation and validation are the
API's own. Static assets are served from `static/`; there is no build step and no CDN.
"""
