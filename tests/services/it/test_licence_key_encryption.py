"""Licence keys are stored encrypted (Fernet, key outside the database) and read back plain."""
from cryptography.fernet import Fernet, InvalidToken
import pytest

from models.it_asset import Licence
from services.core import field_crypto
from services.core.errors import BusinessRuleError
from services.it.licences import masked_key, reencrypt_keys, reveal_key
from tests.factories import make_user
from tests.factories_it import make_licence

KEY = "ABCDE-12345-FGHIJ-67890"


def _stored(licence):
    return Licence._get_collection().find_one({"_id": licence.pk})["licence_key"]


@pytest.fixture
def restore_keys(app):
    yield
    field_crypto.configure(field_crypto.load_keys(None, app.config["DATA_DIR"]))


def test_the_database_holds_only_a_token_the_data_dir_key_opens(app):
    with app.app_context():
        licence = make_licence(licence_key=KEY)
        raw = _stored(licence)
        assert KEY not in raw and "67890" not in raw
        key_file = app.config["DATA_DIR"] / "field_key"
        assert (key_file.stat().st_mode & 0o777) == 0o600
        assert Fernet(key_file.read_bytes()).decrypt(raw.encode()).decode() == KEY
        with pytest.raises(InvalidToken):
            Fernet(Fernet.generate_key()).decrypt(raw.encode())
        assert Licence.objects.get(pk=licence.pk).licence_key == KEY
        # a keyless query cannot find it: the key is never compared in the database
        assert Licence.objects(__raw__={"licence_key": KEY}).count() == 0


def test_a_new_key_goes_first_and_the_old_one_still_opens_old_tokens(app, restore_keys):
    with app.app_context():
        licence = make_licence(licence_key=KEY)   # the first use creates the key file
        old = (app.config["DATA_DIR"] / "field_key").read_bytes()
        new = Fernet.generate_key()
        field_crypto.configure(field_crypto.load_keys(f"{new.decode()},{old.decode()}",
                                                      app.config["DATA_DIR"]))
        assert Licence.objects.get(pk=licence.pk).licence_key == KEY
        assert reencrypt_keys() == 1
        assert Fernet(new).decrypt(_stored(licence).encode()).decode() == KEY
        field_crypto.configure([new])   # the old key can go now
        assert Licence.objects.get(pk=licence.pk).licence_key == KEY


def test_a_token_no_key_opens_is_masked_refused_and_never_overwritten(app, restore_keys):
    with app.app_context():
        licence = make_licence(licence_key=KEY)
        before = _stored(licence)
        field_crypto.configure([Fernet.generate_key()])
        reloaded = Licence.objects.get(pk=licence.pk)
        assert masked_key(reloaded.licence_key) == "••••••••"
        with pytest.raises(BusinessRuleError, match="anderen Schlüssel"):
            reveal_key(licence.pk, make_user("admin"))
        reloaded.notes = "bearbeitet"
        reloaded.licence_key = reloaded.licence_key   # even when written back explicitly
        reloaded.save()
        assert reencrypt_keys() == 0
        assert _stored(licence) == before


def test_a_key_stored_before_encryption_reads_back_and_the_job_encrypts_it(app):
    with app.app_context():
        licence = make_licence()
        Licence._get_collection().update_one({"_id": licence.pk}, {"$set": {"licence_key": KEY}})
        reloaded = Licence.objects.get(pk=licence.pk)
        assert reloaded.licence_key == KEY and masked_key(reloaded.licence_key).endswith("7890")
        assert reencrypt_keys() == 1
        assert field_crypto.is_token(_stored(licence))
        assert reveal_key(licence.pk, make_user("support")) == KEY
