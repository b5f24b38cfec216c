"""Input and output schemas of the API, one per endpoint."""

from rest_framework import serializers

from imhhv.families.chart import youngest_age_months
from imhhv.families.models import Family


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=1024, trim_whitespace=False)
    otp = serializers.CharField(max_length=32, required=False, allow_blank=True)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField(allow_null=True)
    agency = serializers.CharField(allow_null=True)
    team = serializers.CharField(allow_null=True)
    capabilities = serializers.ListField(child=serializers.CharField())


class FamilySerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.name", read_only=True)
    home_visitor = serializers.CharField(
        source="home_visitor.username", read_only=True, allow_null=True
    )
    youngest_child_age_months = serializers.SerializerMethodField()

    class Meta:
        model = Family
        fields = [
            "id",
            "display_name",
            "agency",
            "home_visitor",
            "youngest_child_age_months",
            "version",
        ]

    def get_youngest_child_age_months(self, family: Family) -> int | None:
        return youngest_age_months(family, self.context["today"])
