"""Drafts: GET / PUT / DELETE `/api/v1/drafts/<form>/<record_key>/`; GET `/api/v1/drafts/`
lists the caller's drafts (form, record key, when, where to resume: no content).

The same calls as the pages' autosave (`imhhv.drafts.queries.draft_for`,
`imhhv.drafts.services.save_draft` / `discard_draft`): a draft is the caller's own; the
record must be theirs to write (the registered form's check: 404 out of scope, 403 without
the capability, each audited once by that check). `data` is the form's fields, each a
list of strings (a single string is taken as a one-item list).
"""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from imhhv.accounts.policies import SIGNED_IN
from imhhv.api.common import BAD_INPUT, FORBIDDEN, NOT_FOUND, PolicyAPIView, validated
from imhhv.drafts import queries, services


class DraftWriteSerializer(serializers.Serializer):
    data = serializers.DictField(
        help_text="Field name -> list of strings (as the form would post them)."
    )


class DraftSerializer(serializers.Serializer):
    form = serializers.CharField()
    record_key = serializers.CharField()
    data = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    saved_at = serializers.DateTimeField(source="updated_at")


class DraftRowSerializer(serializers.Serializer):
    form = serializers.CharField()
    record_key = serializers.CharField()
    saved_at = serializers.DateTimeField(source="updated_at")
    url = serializers.CharField(help_text="The page of the form for that record.")


class MyDraftsView(PolicyAPIView):
    access_policy = SIGNED_IN

    @extend_schema(operation_id="drafts_mine", responses={200: DraftRowSerializer(many=True)})
    def get(self, request):
        return Response(DraftRowSerializer(queries.my_drafts(request.user), many=True).data)


class DraftView(PolicyAPIView):
    access_policy = SIGNED_IN  # the form's check decides who may write the record

    @extend_schema(
        operation_id="draft_read", responses={200: DraftSerializer, 403: FORBIDDEN, 404: NOT_FOUND}
    )
    def get(self, request, form: str, record_key: str):
        draft = queries.draft_for(request.user, form=form, record_key=record_key, view="api")
        if draft is None:
            raise NotFound("No draft.")
        return Response(DraftSerializer(draft).data)

    @extend_schema(
        operation_id="draft_save",
        request=DraftWriteSerializer,
        responses={200: DraftSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def put(self, request, form: str, record_key: str):
        body = validated(DraftWriteSerializer, request.data)
        draft = services.save_draft(
            user=request.user, form=form, record_key=record_key, data=body["data"], via="api"
        )
        return Response(DraftSerializer(draft).data)

    @extend_schema(operation_id="draft_discard", responses={204: None, 404: NOT_FOUND})
    def delete(self, request, form: str, record_key: str):
        if not services.discard_draft(user=request.user, form=form, record_key=record_key):
            raise NotFound("No draft.")
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("drafts/", MyDraftsView.as_view(), name="drafts"),
    path("drafts/<slug:form>/<slug:record_key>/", DraftView.as_view(), name="draft"),
]
