from workshops.views import organise, public

app_name = "workshops"
urlpatterns = public.urlpatterns + organise.urlpatterns
