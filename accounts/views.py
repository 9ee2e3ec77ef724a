from django.shortcuts import get_object_or_404, render

from accounts.models import Association


def association_detail(request, slug):
    association = get_object_or_404(Association, slug=slug)
    return render(request, "accounts/association_detail.html", {"association": association})
