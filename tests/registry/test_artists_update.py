"""A newer shipped artist list reaches an existing registry, keeping what the operator did."""

from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from depiction.registry.artists import SHIPPED_ARTISTS_KEY, ArtistStore
from depiction.registry.database import open_database
from depiction.registry.models import Artist, ArtistAlias, RegistryMeta

from ..conftest import created


def as_if_an_older_release(url: str) -> None:
    """Make the registry look as an older shipped list left it: one artist missing, another
    without a death year and aliases, and another digest recorded."""
    engine = open_database(url)
    with Session(engine) as session, session.begin():
        session.execute(delete(Artist).where(Artist.slug == "yayoi-kusama"))
        monet = session.scalars(select(Artist).where(Artist.slug == "claude-monet")).one()
        session.execute(update(Artist).where(Artist.id == monet.id).values(died=None))
        session.execute(delete(ArtistAlias).where(ArtistAlias.artist_id == monet.id))
        session.merge(RegistryMeta(key=SHIPPED_ARTISTS_KEY, value="an older list"))
    engine.dispose()


def test_an_update_adds_and_corrects_shipped_rows_and_keeps_the_operators(tmp_path: Path) -> None:
    url = created(f"sqlite:///{tmp_path}/artists.db")
    store = ArtistStore(url)
    current = {artist.slug: artist for artist in store.entries()}
    store.set_opted_in("greg-rutkowski", True)
    own = store.add("Greg Rutkowski Jr", kind="individual", source="added by operator")
    as_if_an_older_release(url)
    engine = open_database(url)
    with Session(engine) as session:
        assert session.scalar(select(Artist.id).where(Artist.slug == "yayoi-kusama")) is None
    engine.dispose()

    updated = {artist.slug: artist for artist in ArtistStore(url).entries()}
    assert updated["yayoi-kusama"].name == current["yayoi-kusama"].name
    assert updated["claude-monet"].died == current["claude-monet"].died
    assert updated["claude-monet"].aliases == current["claude-monet"].aliases
    assert updated["greg-rutkowski"].opted_in
    assert updated[own.slug] == own
    assert len(updated) == len(current) + 1
