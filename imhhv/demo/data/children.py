"""Children born (gestational age and birth weight; about 12% preterm) or expected."""

from dataclasses import dataclass
from datetime import date, timedelta

from imhhv.demo.data.names import CHILD_NAMES

# Median birth weight (grams) by completed weeks of gestation, rounded.
MEDIAN_WEIGHT = {
    28: 1150,
    29: 1300,
    30: 1500,
    31: 1700,
    32: 1900,
    33: 2100,
    34: 2350,
    35: 2550,
    36: 2800,
    37: 3000,
    38: 3200,
    39: 3350,
    40: 3450,
    41: 3550,
}


@dataclass
class _Child:
    birth: date | None
    due: date | None
    ga: int | None = None
    weight: int | None = None
    name: str = ""

    @property
    def expected_on(self) -> date:
        """The due date as it stood before the birth (the birth date when unknown)."""
        if self.due is not None:
            return self.due
        return self.birth + timedelta(weeks=40 - (self.ga or 40))


class ChildrenMixin:
    """The builder's children (see `builder.Builder`)."""

    def _gestation(self) -> tuple[int, int]:
        """(weeks, grams): about 12% preterm (28-36 weeks)."""
        rng = self.rng
        if rng.random() < 0.12:
            weeks = rng.choices(range(28, 37), weights=[1, 1, 1, 1, 2, 2, 3, 4, 5])[0]
        else:
            weeks = rng.choices(range(37, 42), weights=[10, 20, 35, 25, 10])[0]
        grams = round(MEDIAN_WEIGHT[weeks] * rng.gauss(1, 0.1) / 10) * 10
        return weeks, min(5200, max(450, grams))

    def _born(self, birth: date, *, known: bool, due_known: bool = False) -> _Child:
        weeks, grams = self._gestation()
        child = _Child(birth=birth, due=None, name=self.rng.choice(CHILD_NAMES))
        if known or self.rng.random() < 0.85:
            child.ga, child.weight = weeks, grams
            if due_known:
                child.due = birth + timedelta(weeks=40 - weeks)
        return child

    def _expected(self, due: date) -> _Child:
        return _Child(birth=None, due=due)

    @staticmethod
    def _ga_at(enrolled: date, due: date) -> int:
        return min(42, max(4, 40 - (due - enrolled).days // 7))
