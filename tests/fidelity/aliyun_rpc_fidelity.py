"""Drives the sandbox's STS and Resource Directory with the official Alibaba Cloud Python SDK
(aliyun-python-sdk-core, aliyun-python-sdk-sts, aliyun-python-sdk-resourcemanager), clients nobody
here wrote, and the keys STS grants with oss2.

Started by the Rust integration test
`sandbox_sts_and_directory_are_indistinguishable_for_the_official_sdk`, which starts an estate
sandbox, writes its accounts to a JSON file and passes everything through the environment:
SANDBOX_PROXY, TRUTH_FILE, ACCESS_KEY_ID, ACCESS_KEY_SECRET, STS_ACCESS_KEY_ID,
STS_ACCESS_KEY_SECRET, STS_TOKEN. Exits non-zero when any check fails.
"""

import datetime
import json
import unittest

import oss2
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkresourcemanager.request.v20200331.ListAccountsRequest import ListAccountsRequest
from aliyunsdksts.request.v20150401.AssumeRoleRequest import AssumeRoleRequest

from aliyun_sdk import ENV, PROXY, Refusals
from aliyun_sdk import client as sdk_client

with open(ENV["TRUTH_FILE"]) as f:
    ACCOUNTS = json.load(f)["accounts"]
HUB = next(a for a in ACCOUNTS if a["is_hub"])
MEMBERS = [a for a in ACCOUNTS if not a["is_hub"]]
OPEN = next(a for a in MEMBERS if a["trusts_hub"] and not a["external_id"])
GUARDED = next(a for a in MEMBERS if a["external_id"])
REFUSING = next(a for a in MEMBERS if not a["trusts_hub"])


def client(key_id=None, secret=None, token=None):
    """An SDK client for the sandbox's cn-hangzhou endpoints (see aliyun_sdk.client)."""
    return sdk_client("cn-hangzhou", key_id, secret, token)


def assume_role(acs, arn, external_id=None, session="fidelity"):
    request = AssumeRoleRequest()
    request.set_protocol_type("http")
    request.set_endpoint("sts.aliyuncs.com")
    request.set_RoleArn(arn)
    request.set_RoleSessionName(session)
    request.set_DurationSeconds(900)
    if external_id is not None:
        request.set_ExternalId(external_id)
    return json.loads(acs.do_action_with_exception(request))


def list_accounts(acs, page, size):
    request = ListAccountsRequest()
    request.set_protocol_type("http")
    request.set_endpoint("resourcemanager.aliyuncs.com")
    request.set_PageNumber(page)
    request.set_PageSize(size)
    return json.loads(acs.do_action_with_exception(request))


class AssumeRole(Refusals, unittest.TestCase):
    def test_grants_keys_that_open_only_the_members_buckets_with_oss2(self):
        answer = assume_role(client(), OPEN["role_arn"])
        creds = answer["Credentials"]
        self.assertTrue(creds["AccessKeyId"].startswith("STS."))
        self.assertTrue(answer["RequestId"])
        self.assertEqual(answer["AssumedRoleUser"]["Arn"], OPEN["role_arn"] + "/fidelity")
        expires = datetime.datetime.strptime(creds["Expiration"], "%Y-%m-%dT%H:%M:%SZ")
        left = expires - datetime.datetime.utcnow()
        self.assertTrue(datetime.timedelta(minutes=14) < left <= datetime.timedelta(minutes=15), left)
        for auth in (
            oss2.StsAuth(creds["AccessKeyId"], creds["AccessKeySecret"], creds["SecurityToken"]),
            oss2.ProviderAuthV4(oss2.credentials.StaticCredentialsProvider(
                creds["AccessKeyId"], creds["AccessKeySecret"], creds["SecurityToken"])),
        ):
            service = oss2.Service(auth, "http://oss-cn-hangzhou.aliyuncs.com",
                                   proxies={"http": PROXY}, region="cn-hangzhou")
            names = [b.name for b in oss2.BucketIterator(service)]
            self.assertEqual(names, sorted(OPEN["buckets"]))

    def test_hub_sts_keys_may_assume_roles_too(self):
        acs = client(ENV["STS_ACCESS_KEY_ID"], ENV["STS_ACCESS_KEY_SECRET"], ENV["STS_TOKEN"])
        self.assertIn("Credentials", assume_role(acs, OPEN["role_arn"]))

    def test_external_id_must_match_the_trust_policy(self):
        self.refused(lambda: assume_role(client(), GUARDED["role_arn"], "tenant-43"), 403, "NoPermission")
        self.refused(lambda: assume_role(client(), GUARDED["role_arn"]), 403, "NoPermission")
        answer = assume_role(client(), GUARDED["role_arn"], GUARDED["external_id"])
        self.assertIn("SecurityToken", answer["Credentials"])

    def test_a_role_that_does_not_trust_the_hub_refuses(self):
        e = self.refused(lambda: assume_role(client(), REFUSING["role_arn"]), 403, "NoPermission")
        self.assertIn("not authorized", e.get_error_msg())

    def test_missing_and_malformed_roles_are_refused(self):
        missing = "acs:ram::%s:role/admin" % OPEN["uid"]
        self.refused(lambda: assume_role(client(), missing), 404, "EntityNotExist.Role")
        self.refused(lambda: assume_role(client(), "acs:ram:1234:role/x"), 400, "InvalidParameter.RoleArn")
        self.refused(lambda: assume_role(client(), OPEN["role_arn"], session="a b"), 400,
                     "InvalidParameter.RoleSessionName")

    def test_a_wrong_secret_is_told_apart_from_a_wrong_string_to_sign(self):
        # The SDK compares the string to sign the service quotes with its own and, when they are
        # equal, calls the error InvalidAccessKeySecret: the sandbox canonicalizes exactly as the
        # SDK does, and only the key differs.
        self.refused(lambda: assume_role(client(secret="NotTheHubSecret"), OPEN["role_arn"]), 400,
                     "InvalidAccessKeySecret")
        self.refused(lambda: assume_role(client(key_id="LTAI5tNobodysKey"), OPEN["role_arn"]), 404,
                     "InvalidAccessKeyId.NotFound")


class ListAccounts(unittest.TestCase):
    def test_every_member_across_small_pages(self):
        acs, page, seen, total = client(), 1, [], None
        while True:
            answer = list_accounts(acs, page, 2)
            self.assertTrue(answer["RequestId"])
            total = answer["TotalCount"]
            self.assertEqual((answer["PageNumber"], answer["PageSize"]), (page, 2))
            accounts = answer["Accounts"]["Account"]
            if not accounts:
                break
            seen.extend(accounts)
            page += 1
        self.assertEqual(total, len(ACCOUNTS))
        self.assertEqual([a["AccountId"] for a in seen], [a["uid"] for a in ACCOUNTS])
        for listed, truth in zip(seen, ACCOUNTS):
            self.assertEqual(listed["DisplayName"], truth["display_name"])
            self.assertEqual(listed["Status"], truth["status"])
            self.assertIn(listed["Type"], ("CloudAccount", "ResourceAccount"))
            self.assertTrue(listed["ResourceDirectoryId"] and listed["FolderId"])

    def test_page_size_is_at_most_100(self):
        with self.assertRaises(ServerException) as caught:
            list_accounts(client(), 1, 101)
        self.assertEqual(caught.exception.get_error_code(), "InvalidParameter.PageSize")

    def test_a_member_account_may_not_list(self):
        creds = assume_role(client(), OPEN["role_arn"])["Credentials"]
        acs = client(creds["AccessKeyId"], creds["AccessKeySecret"], creds["SecurityToken"])
        with self.assertRaises(ServerException) as caught:
            list_accounts(acs, 1, 10)
        self.assertEqual(caught.exception.get_error_code(), "NoPermission")
        self.assertTrue(caught.exception.get_request_id())


if __name__ == "__main__":
    unittest.main(verbosity=2)
