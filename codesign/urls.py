from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path

# Admins sign in through the site's own sign-in page, so MFA and rate limits apply there too.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = f"{settings.SITE_NAME} site admin"
admin.site.site_title = f"{settings.SITE_NAME} site admin"

urlpatterns = [
    path("", include("codesign.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("programmes/", include("programmes.urls")),
    path("workshops/", include("workshops.urls")),
    path("participants/", include("participants.urls")),
    path("pairs/", include("pairs.urls")),
    path("bursaries/", include("bursaries.urls")),
    path("feedback/", include("feedback.urls")),
    path("data-rights/", include("privacy.urls")),
]

# Django's 400 page has no request context; ours brings the site's name and menu.
handler400 = "codesign.core.views.bad_request"
