"""Onboarding examples for the demo: a supplier's registration waiting for an operator, and an
invitation waiting to be accepted, so every step of onboarding has something to act on."""

import io
from dataclasses import dataclass
from datetime import timedelta

from PIL import Image as Picture
from PIL import ImageDraw
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.principal import ANONYMOUS, Role
from core.settings import Settings
from identity import registration, secrets, uscc
from identity.models import Invitation, Organisation, SupplierApplication, SupplierSize
from marketplace import images
from marketplace.imaging.processing import ImageLimits

# Printed by `yiwang seed` and in README: demo data, not a secret.
DEMO_INVITATION_TOKEN = "demo-invitation-lishui-2026"
INVITING_UNIT = "丽水市机关事务管理局"
APPLICANT = registration.SupplierApplicationDraft(
    credit_code=uscc.complete("91331122MA2D7E8M0"),
    name="缙云县新锐办公设备有限公司",
    region_code="331122",
    supplier_size=SupplierSize.MICRO,
    contact_name="朱丽娜",
    contact_phone="0578-3212345",
    contact_email="zhulina@example.cn",
    address="丽水市缙云县五云街道工业路 8 号",
)


@dataclass(frozen=True)
class Onboarding:
    applications: int
    invitations: int


async def seed_onboarding(session: AsyncSession, *, settings: Settings, clock: Clock) -> Onboarding:
    applications = 0 if await _applied(session) else await _apply(session, settings, clock)
    invitations = await _invite(session, clock)
    return Onboarding(applications, invitations)


async def _applied(session: AsyncSession) -> bool:
    code = APPLICANT.credit_code
    application = select(SupplierApplication.id).where(SupplierApplication.credit_code == code)
    registered = select(Organisation.id).where(Organisation.credit_code == code)
    return bool(await session.scalar(application) or await session.scalar(registered))


async def _apply(session: AsyncSession, settings: Settings, clock: Clock) -> int:
    licence = await images.store_registration_image(
        session,
        _licence_picture(),
        actor=ANONYMOUS,
        clock=clock,
        media_dir=settings.media_dir,
        limits=ImageLimits.of(settings),
    )
    await registration.apply_as_supplier(
        session, APPLICANT, licence_image_id=licence.id, actor=ANONYMOUS, clock=clock
    )
    return 1


async def _invite(session: AsyncSession, clock: Clock) -> int:
    digest = secrets.digest(DEMO_INVITATION_TOKEN)
    if await session.scalar(select(Invitation.id).where(Invitation.token_hash == digest)):
        return 0
    unit = await session.scalar(select(Organisation.id).where(Organisation.name == INVITING_UNIT))
    if unit is None:
        return 0
    now = clock.now()
    session.add(
        Invitation(
            organisation_id=unit,
            role=Role.PURCHASER,
            is_admin=False,
            display_name="赵刚",
            contact="0578-2123457",
            token_hash=digest,
            invited_by_user_id=None,
            created_at=now,
            expires_at=now + timedelta(days=365),
            accepted_at=None,
            accepted_user_id=None,
            revoked_at=None,
        )
    )
    return 1


def _licence_picture() -> bytes:
    """A stand-in for a scanned business licence (营业执照): a framed form with text lines."""
    picture = Picture.new("RGB", (800, 560), (250, 246, 236))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((24, 24, 776, 536), outline=(160, 30, 30), width=6)
    draw.ellipse((600, 380, 740, 520), outline=(200, 40, 40), width=5)
    for row in range(8):
        y = 110 + row * 44
        draw.line((80, y, 80 + (560 if row % 3 else 380), y), fill=(60, 60, 60), width=3)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
