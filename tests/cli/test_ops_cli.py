"""flask ops recover completes what a crash left pending."""
from datetime import timedelta
from decimal import Decimal

from models import StockItem
from models.stock_movement import StockMovement
from tests.factories import make_stock_item


def test_recover_command_applies_a_pending_movement(app, runner):
    item = make_stock_item(quantity=Decimal(5))
    StockMovement(key="crash", kind="issue", item=item, quantity=Decimal(-2),
                  date=item.created_at.date(), reason="x", user="x",
                  created_at=item.created_at - timedelta(hours=1)).save()
    result = runner.invoke(args=["ops", "recover"])
    assert result.exit_code == 0, result.output
    assert "movements done=1 refused=0" in result.output
    assert StockItem.objects.get(pk=item.pk).quantity == Decimal(3)
