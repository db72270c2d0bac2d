"""Drives the sandbox's KMS with the official Alibaba Cloud Python SDK (aliyun-python-sdk-core with
aliyun-python-sdk-kms, and aliyun-python-sdk-sts for assumed roles), and checks with oss2 that OSS
writes honour a key's state and that a denied permission is refused as OSS refuses it: clients
nobody here wrote.

Started by the Rust integration test `sandbox_kms_is_indistinguishable_for_the_official_sdk`, which
starts an estate sandbox, disables one key, schedules another's deletion, denies permissions, and
writes what it set up to a JSON file. Environment: SANDBOX_PROXY, TRUTH_FILE, ACCESS_KEY_ID,
ACCESS_KEY_SECRET. Exits non-zero when any check fails.
"""

import json
import unittest

import oss2
from aliyunsdkkms.request.v20160120.DescribeKeyRequest import DescribeKeyRequest
from aliyunsdksts.request.v20150401.AssumeRoleRequest import AssumeRoleRequest

from aliyun_sdk import ENV, PROXY, Refusals, client

with open(ENV["TRUTH_FILE"]) as f:
    TRUTH = json.load(f)
HUB_KEYS = TRUTH["hub_keys"]
ENABLED = TRUTH["enabled"]
DISABLED = TRUTH["disabled"]
PENDING = TRUTH["pending_deletion"]
MEMBER = TRUTH["member"]
DENIED_MEMBER = TRUTH["denied_member"]
INACTIVE_MEMBER = TRUTH["inactive_member"]


def describe_key(acs, region, key_id):
    request = DescribeKeyRequest()
    request.set_protocol_type("http")
    request.set_endpoint("kms.%s.aliyuncs.com" % region)
    request.set_KeyId(key_id)
    return json.loads(acs.do_action_with_exception(request))


def assume(role_arn):
    request = AssumeRoleRequest()
    request.set_protocol_type("http")
    request.set_endpoint("sts.aliyuncs.com")
    request.set_RoleArn(role_arn)
    request.set_RoleSessionName("fidelity")
    creds = json.loads(client("cn-hangzhou").do_action_with_exception(request))["Credentials"]
    return creds["AccessKeyId"], creds["AccessKeySecret"], creds["SecurityToken"]


def bucket(name, region, auth=None):
    auth = auth or oss2.Auth(ENV["ACCESS_KEY_ID"], ENV["ACCESS_KEY_SECRET"])
    return oss2.Bucket(auth, "http://oss-%s.aliyuncs.com" % region, name, proxies={"http": PROXY})


class DescribeKey(Refusals, unittest.TestCase):
    def test_a_key_by_id_matches_what_the_sandbox_holds(self):
        for truth in HUB_KEYS:
            answer = describe_key(client(truth["region"]), truth["region"], truth["key_id"])
            self.assertTrue(answer["RequestId"])
            meta = answer["KeyMetadata"]
            for field in ("KeyId", "Arn", "KeyState", "KeySpec", "KeyUsage", "Origin",
                          "ProtectionLevel", "CreationDate", "AutomaticRotation",
                          "DeletionProtection", "DeleteDate", "MaterialExpireTime"):
                self.assertEqual(meta[field], truth[field], field)
            if meta["AutomaticRotation"] == "Enabled":
                self.assertTrue(meta["RotationInterval"].endswith("s"))
                self.assertTrue(meta["NextRotationDate"])

    def test_an_alias_and_an_arn_resolve_to_the_key_id(self):
        by_alias = describe_key(client(ENABLED["region"]), ENABLED["region"], ENABLED["alias"])
        self.assertEqual(by_alias["KeyMetadata"]["KeyId"], ENABLED["key_id"])
        by_arn = describe_key(client(ENABLED["region"]), ENABLED["region"], ENABLED["Arn"])
        self.assertEqual(by_arn["KeyMetadata"]["KeyId"], ENABLED["key_id"])

    def test_disabled_and_pending_deletion_keys_say_so(self):
        meta = describe_key(client(DISABLED["region"]), DISABLED["region"], DISABLED["key_id"])
        self.assertEqual(meta["KeyMetadata"]["KeyState"], "Disabled")
        meta = describe_key(client(PENDING["region"]), PENDING["region"], PENDING["key_id"])
        self.assertEqual(meta["KeyMetadata"]["KeyState"], "PendingDeletion")
        self.assertEqual(meta["KeyMetadata"]["DeleteDate"], PENDING["DeleteDate"])

    def test_missing_keys_aliases_and_other_accounts_keys_are_not_found(self):
        region = ENABLED["region"]
        self.refused(lambda: describe_key(client(region), region,
                                          "9468da86-3509-4f8d-a61e-6eab1eac0000"),
                     404, "Forbidden.KeyNotFound")
        self.refused(lambda: describe_key(client(region), region, "alias/nobody-made-this"),
                     404, "Forbidden.AliasNotFound")
        self.refused(lambda: describe_key(client(MEMBER["region"]), MEMBER["region"],
                                          MEMBER["key_id"]),
                     404, "Forbidden.KeyNotFound")
        other = "cn-beijing" if region != "cn-beijing" else "cn-shanghai"
        self.refused(lambda: describe_key(client(other), other, ENABLED["key_id"]),
                     404, "Forbidden.KeyNotFound")

    def test_an_assumed_role_describes_its_own_accounts_key(self):
        key_id, secret, token = assume(MEMBER["role_arn"])
        acs = client(MEMBER["region"], key_id, secret, token)
        answer = describe_key(acs, MEMBER["region"], MEMBER["key_id"])
        self.assertEqual(answer["KeyMetadata"]["KeyId"], MEMBER["key_id"])
        self.assertIn(":%s:" % MEMBER["uid"], answer["KeyMetadata"]["Arn"])

    def test_a_denied_role_and_an_account_without_kms_are_refused(self):
        key_id, secret, token = assume(DENIED_MEMBER["role_arn"])
        acs = client(DENIED_MEMBER["region"], key_id, secret, token)
        e = self.refused(lambda: describe_key(acs, DENIED_MEMBER["region"],
                                              DENIED_MEMBER["key_id"]),
                         403, "Forbidden.NoPermission")
        self.assertIn("permission", e.get_error_msg())
        key_id, secret, token = assume(INACTIVE_MEMBER["role_arn"])
        acs = client(INACTIVE_MEMBER["region"], key_id, secret, token)
        self.refused(lambda: describe_key(acs, INACTIVE_MEMBER["region"],
                                          INACTIVE_MEMBER["key_id"]),
                     403, "Forbidden.KmsServiceNotEnabled")

    def test_a_wrong_secret_is_told_apart_from_a_wrong_string_to_sign(self):
        region = ENABLED["region"]
        self.refused(lambda: describe_key(client(region, secret="NotTheHubSecret"), region,
                                          ENABLED["key_id"]),
                     400, "InvalidAccessKeySecret")


class OssWithKeys(unittest.TestCase):
    def put_kms(self, truth, key):
        rule = oss2.models.ServerSideEncryptionRule("KMS", key)
        bucket(truth["bucket"], truth["region"]).put_bucket_encryption(rule)

    def test_a_usable_key_is_taken_and_unusable_ones_refused_with_oss_codes(self):
        self.put_kms(ENABLED, ENABLED["key_id"])
        got = bucket(ENABLED["bucket"], ENABLED["region"]).get_bucket_encryption()
        self.assertEqual(got.kms_master_keyid, ENABLED["key_id"])
        for truth, status, code, ec in (
            (DISABLED, 409, "KeyDisabled", "0005-00000214"),
            (PENDING, 409, "KeyPendingDeletion", "0005-00000215"),
        ):
            with self.assertRaises(oss2.exceptions.OssError) as caught:
                self.put_kms(truth, truth["key_id"])
            e = caught.exception
            self.assertEqual((e.status, e.code, e.ec), (status, code, ec), e)
            self.assertTrue(e.request_id)
        with self.assertRaises(oss2.exceptions.OssError) as caught:
            self.put_kms(ENABLED, "9468da86-3509-4f8d-a61e-6eab1eac0000")
        self.assertEqual((caught.exception.status, caught.exception.code), (404, "KeyNotFound"))

    def test_a_denied_tagging_read_is_refused_as_oss_refuses_it(self):
        with self.assertRaises(oss2.exceptions.AccessDenied) as caught:
            bucket(ENABLED["bucket"], ENABLED["region"]).get_bucket_tagging()
        e = caught.exception
        self.assertEqual((e.status, e.code, e.ec), (403, "AccessDenied", "0003-00000301"))
        self.assertTrue(e.request_id)


if __name__ == "__main__":
    unittest.main(verbosity=2)
