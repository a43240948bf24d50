from workshops.views import organise, public, register, registrants

app_name = "workshops"
urlpatterns = (
    public.urlpatterns + organise.urlpatterns + register.urlpatterns + registrants.urlpatterns
)
