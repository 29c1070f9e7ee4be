from django.http import HttpResponse


def lockout_response(request, credentials, *args, **kwargs):
    return HttpResponse(
        "Trop de tentatives de connexion pour cet identifiant. Réessayez dans quelques minutes.", status=429
    )
