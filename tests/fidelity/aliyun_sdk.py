"""What the official Alibaba Cloud SDK fidelity scripts share: an SDK client that reaches the
sandbox as it would reach Alibaba Cloud, and the check that a call is refused as the real service
refuses it. Imported by aliyun_rpc_fidelity.py and aliyun_kms_fidelity.py (their folder is on the
path when they run)."""

import os

from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.auth.credentials import StsTokenCredential
from aliyunsdkcore.client import AcsClient

ENV = os.environ
PROXY = ENV["SANDBOX_PROXY"]


def client(region, key_id=None, secret=None, token=None):
    """An SDK client reaching the sandbox as it would reach Alibaba Cloud: through the proxy, on the
    real host names (plain http: the proxy does not tunnel TLS), retries off so every answer is the
    sandbox's own. Signs with the hub's keys unless given others (with a token: STS keys)."""
    if token:
        credential = StsTokenCredential(key_id, secret, token)
        return AcsClient(region_id=region, credential=credential, proxy={"http": PROXY},
                         auto_retry=False)
    return AcsClient(key_id or ENV["ACCESS_KEY_ID"], secret or ENV["ACCESS_KEY_SECRET"], region,
                     proxy={"http": PROXY}, auto_retry=False)


class Refusals:
    """For a unittest.TestCase: `refused` checks a call fails with the status and code expected,
    and a request id, as every refusal of the real services carries one."""

    def refused(self, call, status, code):
        with self.assertRaises(ServerException) as caught:
            call()
        e = caught.exception
        self.assertEqual((e.get_http_status(), e.get_error_code()), (status, code), e)
        self.assertTrue(e.get_request_id(), "every refusal carries a request id")
        return e
