"""Carry 18.0.1.0.0 data over to collection stages with trigger days.

- ``ar.collection.stage.min_days_overdue`` becomes ``trigger_days``.
- Collection actions lose their ``channel`` column: one action per customer,
  company and date covers every channel, so the column is dropped with the
  old five-column unique key.
"""

import logging

_logger = logging.getLogger(__name__)


def _column_exists(cr, table, column):
    cr.execute(
        """
        SELECT 1
          FROM information_schema.columns
         WHERE table_name = %s AND column_name = %s
        """,
        (table, column),
    )
    return bool(cr.fetchone())


def migrate(cr, version):
    if not version:
        return

    if _column_exists(cr, "ar_collection_stage", "min_days_overdue"):
        cr.execute(
            "ALTER TABLE ar_collection_stage "
            "RENAME COLUMN min_days_overdue TO trigger_days"
        )
        _logger.info("Renamed ar_collection_stage.min_days_overdue to trigger_days")

    cr.execute(
        """
        ALTER TABLE ar_collection_stage
        DROP CONSTRAINT IF EXISTS ar_collection_stage_min_days_overdue_unique
        """
    )
    cr.execute(
        """
        ALTER TABLE ar_collection_claim
        DROP CONSTRAINT IF EXISTS ar_collection_claim_claim_unique
        """
    )
    cr.execute(
        """
        SELECT partner_id, company_id, claim_date, COUNT(*)
          FROM ar_collection_claim
         GROUP BY partner_id, company_id, claim_date
        HAVING COUNT(*) > 1
        """
    )
    duplicates = cr.fetchall()
    if duplicates:
        # NOTE: the new key (customer, company, date) cannot be created while
        # these rows exist; they are kept as history and reported here.
        _logger.warning(
            "Collection actions sharing a customer, company and date, which "
            "block the new unique key: %s",
            duplicates,
        )
    if _column_exists(cr, "ar_collection_claim", "channel"):
        cr.execute("ALTER TABLE ar_collection_claim DROP COLUMN channel")
        _logger.info("Dropped ar_collection_claim.channel")
