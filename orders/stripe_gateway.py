"""Official-card (公务卡) payments through Stripe PaymentIntents, in CNY."""

from typing import Any

import stripe

from orders.errors import OrderError, OrderErrorCode
from orders.payments import GatewayEvent, Intent


class StripeGateway:
    def __init__(
        self,
        api_key: str,
        webhook_secret: str,
        *,
        http_client: stripe.HTTPClient | None = None,
        base_url: str | None = None,
    ) -> None:
        self._webhook_secret = webhook_secret
        options: dict[str, Any] = {"max_network_retries": 2}
        if base_url is not None:
            options["base_addresses"] = {"api": base_url}
        self._client = stripe.StripeClient(
            api_key, http_client=http_client or stripe.HTTPXClient(timeout=20), **options
        )

    async def create_intent(
        self, *, amount_fen: int, idempotency_key: str, metadata: dict[str, str]
    ) -> Intent:
        """Stripe keeps the idempotency key for 24 hours: a retry returns the same intent."""
        try:
            intent = await self._client.v1.payment_intents.create_async(
                params={
                    "amount": amount_fen,
                    "currency": "cny",
                    "metadata": metadata,
                    "description": f"政府采购订单 {metadata.get('orderNumber', '')}",
                },
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            raise OrderError(
                OrderErrorCode.PAYMENT_PROVIDER_ERROR,
                f"支付服务暂时不可用, 请稍后重试 ({error.code or type(error).__name__})",
            ) from error
        return Intent(id=intent.id, client_secret=intent.client_secret, status=intent.status)

    def parse_event(self, payload: bytes, signature: str | None) -> GatewayEvent:
        try:
            event = stripe.Webhook.construct_event(payload, signature, self._webhook_secret)
        except (ValueError, stripe.SignatureVerificationError) as error:
            raise OrderError(OrderErrorCode.WEBHOOK_SIGNATURE_INVALID, "签名无效") from error
        obj = event.data.object.to_dict()
        failure = obj.get("last_payment_error") or {}
        return GatewayEvent(
            id=event.id,
            type=event.type,
            intent_id=obj.get("id") if obj.get("object") == "payment_intent" else None,
            failure_message=failure.get("message"),
        )
