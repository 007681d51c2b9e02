"""Scrapy spider loader that makes one spider per outlet profile."""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.settings import BaseSettings

from caucasus_crawler.profiles import Profile, load_profiles
from caucasus_crawler.spiders.news import NewsSpider
from caucasus_crawler.spiders.wayback import WaybackSpider


def spider_for(profile: Profile, wayback: bool = False) -> type[NewsSpider]:
    """A NewsSpider subclass bound to one outlet; its name is the profile's name. With
    `wayback`, the spider of the outlet's captures in the Wayback Machine."""
    class_name = "".join(part.title() for part in profile.name.split("_")) + "Spider"
    if wayback:
        return type(class_name, (WaybackSpider,), {"name": profile.name, "profile": profile})
    return type(
        class_name,
        (NewsSpider,),
        {"name": profile.name, "profile": profile, "allowed_domains": list(profile.domains)},
    )


class ProfileSpiderLoader:
    """Every profile is a spider: the news spider, or the Wayback one with WAYBACK on."""

    def __init__(self, settings: BaseSettings):
        self.profiles = load_profiles(settings.getlist("PROFILES_DIRS"))
        self.wayback = settings.getbool("WAYBACK")

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> ProfileSpiderLoader:
        return cls(settings)

    def load(self, spider_name: str) -> type[Spider]:
        try:
            return spider_for(self.profiles[spider_name], self.wayback)
        except KeyError:
            raise KeyError(f"Spider not found: {spider_name}") from None

    def list(self) -> list[str]:
        return sorted(self.profiles)

    def find_by_request(self, request: Request) -> list[str]:
        return [name for name, profile in self.profiles.items() if profile.owns(request.url)]
