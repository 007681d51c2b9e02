"""What WordPress writes the same on every WordPress outlet of the mirror (civil.ge,
oc-media.org, jam-news.net, netgazeti.ge, civilnet.am, georgiatoday.ge), whatever its theme:
the listings' page links (paginate_links) and /page/N/ URLs, the RSS 2.0 feed, and Yoast
SEO's head lines, JSON-LD graph and sitemaps. The themes' markup stays in the renderers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from caucasus_crawler.mirror.content import Article, Site
from caucasus_crawler.mirror.listing import Pager, UrlOf, page_urls
from caucasus_crawler.mirror.markup import (
    XML,
    cdata,
    esc,
    meta_tags,
    rfc822,
    rss,
    sitemap_index,
    urlset,
    w3c,
)
from caucasus_crawler.mirror.renderer import OutletRoutes

NAMESPACES = {
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "atom": "http://www.w3.org/2005/Atom",
    "sy": "http://purl.org/rss/1.0/modules/syndication/",
    "slash": "http://purl.org/rss/1.0/modules/slash/",
}


# -- listings ----------------------------------------------------------------------------------


def page_links(wrap: str, previous: str, next: str) -> Pager:  # noqa: A002 (WordPress's word)
    """paginate_links(): every page's number, the arrows labelled `previous` and `next`,
    inside the theme's `wrap`."""
    return Pager(
        wrap,
        current='<span aria-current="page" class="page-numbers current">{n}</span>',
        link='<a class="page-numbers" href="{href}">{n}</a>',
        prev=f'<a class="prev page-numbers" href="{{href}}">{previous}</a>',
        next=f'<a class="next page-numbers" href="{{href}}">{next}</a>',
    )


def listing_urls(first: str) -> UrlOf:
    """A listing's pages with pretty permalinks: <listing>/page/N/."""
    return page_urls(first, "{first}page/{n}/")


# -- the feed ----------------------------------------------------------------------------------


def feed_item(
    post: Article,
    guid: str,
    creator: str,
    categories: Iterable[str],
    excerpt: int | None = None,
    content: str | None = None,
) -> str:
    """An <item> of the feed: dates in UTC, the categories (and tags, where the outlet lists
    them) in CDATA, the `excerpt` first words ending "[&#8230;]" and the full `content`
    when given."""
    p = post
    cats = "".join(f"\n\t\t<category>{cdata(n)}</category>" for n in categories)
    lines = [
        f"<title>{esc(p.title)}</title>",
        f"<link>{p.url}</link>",
        f"<dc:creator>{cdata(creator)}</dc:creator>",
        f"<pubDate>{rfc822(p.published, utc=True)}</pubDate>{cats}",
        f'<guid isPermaLink="false">{guid}</guid>',
    ]
    if excerpt is not None:
        teaser = esc(p.excerpt(excerpt)).replace(" …", " [&#8230;]")
        lines.append(f"<description>{cdata(teaser)}</description>")
    if content is not None:
        lines.append(f"<content:encoded>{cdata(content)}</content:encoded>")
    return "\t<item>\n" + "".join(f"\t\t{line}\n" for line in lines) + "\t</item>"


def feed(
    site: Site,
    posts: list[Article],
    items: list[str],
    *,
    title: str,
    link: str,
    language: str,
    self_url: str,
    description: str | None = None,
    namespaces: tuple[str, ...] = ("dc", "atom"),
) -> str:
    """The RSS 2.0 feed of `posts` (their `items`), built when the newest was modified, by
    the site's WordPress version; the channel's `description` is the site's unless given,
    and the syndication module's hourly schedule is there when its namespace is declared."""
    built = max((p.modified for p in posts), default=datetime(2024, 1, 1, tzinfo=UTC))
    channel = {
        "title": title,
        "link": link,
        "description": site.setting("description") if description is None else description,
        "lastBuildDate": rfc822(built, utc=True),
        "language": language,
    }
    extra = f'\t<atom:link href="{self_url}" rel="self" type="application/rss+xml" />\n'
    if "sy" in namespaces:
        extra += "\t<sy:updatePeriod>hourly</sy:updatePeriod>\n"
        extra += "\t<sy:updateFrequency>1</sy:updateFrequency>\n"
    extra += f"\t<generator>https://wordpress.org/?v={site.setting('wordpress')}</generator>\n"
    return rss(channel, items, {ns: NAMESPACES[ns] for ns in namespaces}, extra)


# -- Yoast SEO ---------------------------------------------------------------------------------


def yoast_meta(
    title: str,
    url: str,
    description: str,
    *,
    og_type: str,
    locale: str,
    site_name: str,
    publisher: str,
    twitter: str,
    extra: str = "",
    indent: str = "",
) -> str:
    """Yoast's head lines: the title, the description, the canonical link, Open Graph and
    the publisher's page; then the page's own `extra` lines and the Twitter card."""
    tags = [("og:locale", locale), ("og:type", og_type), ("og:title", title)]
    tags += [("og:description", description), ("og:url", url), ("og:site_name", site_name)]
    return (
        f"{indent}<title>{esc(title)}</title>\n"
        + meta_tags([("description", description)], " />", indent)
        + f'{indent}<link rel="canonical" href="{esc(url)}" />\n'
        + meta_tags([*tags, ("article:publisher", publisher)], " />", indent)
        + extra
        + meta_tags(
            [("twitter:card", "summary_large_image"), ("twitter:site", twitter)], " />", indent
        )
    )


def yoast_graph(
    origin: str,
    name: str,
    post: Article,
    *,
    language: str,
    person: str,
    sections: list[str],
    crumbs: list[tuple[str, str | None]],
    article_type: str = "NewsArticle",
    word_count: bool = True,
    keywords: bool = True,
    image: tuple[int, int] | None = None,
    read_action: bool = False,
    site_description: str | None = None,
    same_as: list[str] | None = None,
) -> list[dict]:
    """Yoast's schema graph of a post: the article, its web page, the breadcrumb trail
    (`crumbs`: name and link, the last without), the website, the publisher and the author
    (`person`, its @id). The options are what one outlet's Yoast set-up writes and another's
    leaves out; `image` is the featured image's size (an ImageObject, the thumbnail)."""
    article: dict = {
        "@type": article_type,
        "@id": f"{post.url}#article",
        "isPartOf": {"@id": post.url},
        "author": {"name": post.author or name, "@id": person},
        "headline": post.title,
        "datePublished": w3c(post.published),
        "dateModified": w3c(post.modified),
        "mainEntityOfPage": {"@id": post.url},
    }
    if word_count:
        article["wordCount"] = len(" ".join(post.paragraphs).split())
    article["publisher"] = {"@id": f"{origin}/#organization"}
    if image:
        article["image"] = {"@id": f"{post.url}#primaryimage"}
        article["thumbnailUrl"] = post.image
    if keywords:
        article["keywords"] = list(post.tags)
    article |= {"articleSection": sections, "inLanguage": language}
    page = {
        "@type": "WebPage",
        "@id": post.url,
        "url": post.url,
        "name": f"{post.title} - {name}",
        "isPartOf": {"@id": f"{origin}/#website"},
        "datePublished": w3c(post.published),
        "dateModified": w3c(post.modified),
        "breadcrumb": {"@id": f"{post.url}#breadcrumb"},
        "inLanguage": language,
    }
    if read_action:
        page["potentialAction"] = [{"@type": "ReadAction", "target": [post.url]}]
    graph = [article, page]
    if image:
        width, height = image
        graph.append(
            {
                "@type": "ImageObject",
                "inLanguage": language,
                "@id": f"{post.url}#primaryimage",
                "url": post.image,
                "contentUrl": post.image,
                "width": width,
                "height": height,
            }
        )
    trail = [
        {"@type": "ListItem", "position": i, "name": n, **({"item": u} if u else {})}
        for i, (n, u) in enumerate(crumbs, 1)
    ]
    graph.append(
        {"@type": "BreadcrumbList", "@id": f"{post.url}#breadcrumb", "itemListElement": trail}
    )
    website = {"@type": "WebSite", "@id": f"{origin}/#website", "url": f"{origin}/", "name": name}
    if site_description is not None:
        website["description"] = site_description
    website |= {"publisher": {"@id": f"{origin}/#organization"}, "inLanguage": language}
    organization = {
        "@type": "Organization",
        "@id": f"{origin}/#organization",
        "name": name,
        "url": f"{origin}/",
    }
    if same_as is not None:
        organization["sameAs"] = same_as
    person_node = {"@type": "Person", "@id": person, "name": post.author or name}
    return [*graph, website, organization, person_node]


def yoast_sitemaps(
    routes: OutletRoutes,
    origin: str,
    posts: list[Article],
    categories: list[tuple[str, datetime]],
) -> None:
    """Yoast's sitemaps, filed in `routes`: /post-sitemap.xml (`posts`, in the order given),
    /category-sitemap.xml (each category's URL and when it last changed) and the index of
    both, /sitemap_index.xml."""
    post_map, category_map = f"{origin}/post-sitemap.xml", f"{origin}/category-sitemap.xml"
    routes.file(post_map, urlset((a.url, a.modified) for a in posts), "sitemaps", posts, XML)
    routes.file(category_map, urlset(categories), "sitemaps", (), XML)
    index = [
        (post_map, max(a.modified for a in posts)),
        (category_map, max(m for _, m in categories)),
    ]
    routes.file(f"{origin}/sitemap_index.xml", sitemap_index(index), "sitemaps", (), XML)
