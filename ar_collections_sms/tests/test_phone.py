from odoo.tests import TransactionCase, tagged

from odoo.addons.ar_collections_sms.tools import normalize_mobile


@tagged("post_install", "-at_install")
class TestPhoneNormalization(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gb = cls.env.ref("base.uk")
        cls.ru = cls.env.ref("base.ru")
        cls.company = cls.env.company
        cls.company.country_id = False

    def partner(self, mobile, country=None, **vals):
        return self.env["res.partner"].create(
            {
                "name": f"Customer {mobile}",
                "mobile": mobile,
                "country_id": country.id if country else False,
                **vals,
            }
        )

    def test_00_prefix_with_partner_country(self):
        """(a) 0044 20 7946 0018, partner in GB: E.164, flagged as a landline."""
        partner = self.partner("0044 20 7946 0018", self.gb)
        self.assertEqual(partner.ar_sms_number, "+442079460018")
        self.assertEqual(partner.ar_sms_phone_state, "not_mobile")

    def test_international_form_without_country(self):
        """(b) +44 20 7946 0018 with no country anywhere is still normalised."""
        partner = self.partner("+44 20 7946 0018")
        self.assertFalse(self.company.country_id)
        self.assertEqual(partner.ar_sms_number, "+442079460018")
        # A London landline: normalised, but no SMS goes to it.
        self.assertEqual(partner.ar_sms_phone_state, "not_mobile")
        self.assertIn("+44 20 7946 0018", partner.ar_sms_phone_issue)

    def test_national_form_without_country(self):
        """(c) 020 7946 0018 with no country anywhere is ambiguous and flagged."""
        partner = self.partner("020 7946 0018")
        self.assertFalse(partner.ar_sms_number)
        self.assertEqual(partner.ar_sms_phone_state, "ambiguous")
        self.assertIn("Ambiguous", partner.ar_sms_phone_issue)

    def test_national_form_with_partner_country(self):
        """(d) 020 7946 0018, partner in GB: read as a GB number."""
        partner = self.partner("020 7946 0018", self.gb)
        self.assertEqual(partner.ar_sms_number, "+442079460018")
        self.assertEqual(partner.ar_sms_phone_state, "not_mobile")

    def test_company_country_fallback(self):
        """A national number of a contact without a country uses the company's."""
        self.company.country_id = self.ru
        partner = self.partner("8 (912) 345-67-89")
        self.assertEqual(partner.ar_sms_number, "+79123456789")
        self.assertEqual(partner.ar_sms_phone_state, "valid")
        self.assertFalse(partner.ar_sms_phone_issue)

    def test_partner_country_wins(self):
        """The contact's country is used before the company's."""
        self.company.country_id = self.ru
        partner = self.partner("07400 123456", self.gb)
        self.assertEqual(partner.ar_sms_number, "+447400123456")
        self.assertEqual(partner.ar_sms_phone_state, "valid")

    def test_russian_formats(self):
        """Trunk prefix 8, +7, 007 and punctuation give the same E.164 number."""
        for mobile in (
            "8 912 345 67 89",
            "8(912)345-67-89",
            "+7 (912) 345-67-89",
            "007 912 345 67 89",
            "9123456789",
        ):
            partner = self.partner(mobile, self.ru)
            self.assertEqual(partner.ar_sms_number, "+79123456789", mobile)
            self.assertEqual(partner.ar_sms_phone_state, "valid", mobile)

    def test_invalid_numbers(self):
        """Too short or nonsense numbers are invalid and keep the original."""
        for mobile in ("12", "8 912 345", "call me"):
            partner = self.partner(mobile, self.ru)
            self.assertFalse(partner.ar_sms_number, mobile)
            self.assertEqual(partner.ar_sms_phone_state, "invalid", mobile)
            self.assertEqual(partner.mobile, mobile)

    def test_missing_number(self):
        partner = self.partner(False, self.ru)
        self.assertEqual(partner.ar_sms_phone_state, "missing")
        self.assertFalse(partner.ar_sms_phone_issue)

    def test_recomputed_on_country_change(self):
        """Setting the country resolves an ambiguous number."""
        partner = self.partner("020 7946 0018")
        partner.country_id = self.gb
        self.assertEqual(partner.ar_sms_number, "+442079460018")

    def test_import_normalises(self):
        """Imported contacts get the same normalisation as the form."""
        result = self.env["res.partner"].load(
            ["name", "mobile", "country_id/id"],
            [["Imported Ltd", "8 912 345-67-89", "base.ru"]],
        )
        self.assertFalse(result["messages"])
        partner = self.env["res.partner"].browse(result["ids"])
        self.assertEqual(partner.ar_sms_number, "+79123456789")

    def test_shared_number_flagged(self):
        """Two customers with one mobile are flagged on both contacts."""
        first = self.partner("+7 912 345-67-89", is_company=True)
        second = self.partner("8 912 345 67 89", self.ru, is_company=True)
        self.assertEqual(first.ar_sms_shared_partner_ids, second)
        self.assertEqual(second.ar_sms_shared_partner_ids, first)
        self.assertIn(second.display_name, first.ar_sms_phone_issue)

    def test_same_customer_contacts_not_flagged(self):
        """A customer and its own contact may share a mobile."""
        customer = self.partner("+79123456789", is_company=True)
        contact = self.partner("+79123456789", parent_id=customer.id)
        self.assertFalse(customer.ar_sms_shared_partner_ids)
        self.assertFalse(contact.ar_sms_shared_partner_ids)

    def test_normalize_mobile_ambiguous_without_region(self):
        """The tool never guesses a country code for a national number."""
        check = normalize_mobile("912 345 67 89", [False, None])
        self.assertEqual(check.state, "ambiguous")
        self.assertEqual(check.e164, "")
