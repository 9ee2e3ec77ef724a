"""StreamField blocks shared by every page body (cms pages, courses, lessons)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Level 2")), ("h3", _("Level 3")), ("h4", _("Level 4"))], default="h2", label=_("Level")
    )

    class Meta:
        icon = "title"
        template = "cms/blocks/heading.html"
        label = _("Heading")
        description = _("A section heading; keeps headings in order for screen reader users.")
        preview_value = {"text": "Why media literacy matters", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    """Rich text with the features a page body needs (headings, lists, quotations, links)."""

    FEATURES = ["h2", "h3", "h4", "bold", "italic", "link", "ol", "ul", "blockquote", "document-link"]

    def __init__(self, **kwargs):
        kwargs.setdefault("features", self.FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = "cms/blocks/paragraph.html"
        label = _("Rich text")
        description = _("Paragraphs, lists, quotations and links.")
        preview_value = (
            "<p>Librarians teach patrons to <b>stop, check the source</b> and read laterally before they share.</p>"
        )


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        help_text=_("Describe the image for people who cannot see it. Leave empty only for decoration."),
        required=False,
    )
    caption = blocks.CharBlock(label=_("Caption"), max_length=250, required=False)

    class Meta:
        icon = "image"
        template = "cms/blocks/image.html"
        label = _("Image")
        description = _("A picture from the image library, with alternative text and a caption.")


class VideoBlock(blocks.StructBlock):
    """A link to a video on its own site, with an optional transcript.

    Not an embedded player: the site's Content-Security-Policy frames only its own pages, an embed would tell a
    third party who reads the lesson, and fetching oEmbed data needs the internet, which a server may not have.
    The stored value is the URL, as ``EmbedBlock`` stored it, so existing content keeps working."""

    video = blocks.URLBlock(
        label=_("Video URL"), help_text=_("A link to a video page (e.g. PeerTube, Vimeo, YouTube).")
    )
    title = blocks.CharBlock(
        label=_("Link text"),
        max_length=200,
        required=False,
        help_text=_("What the video is about; without it the link shows the video site's name."),
    )
    transcript = blocks.RichTextBlock(label=_("Transcript"), required=False, features=["bold", "italic", "link"])

    class Meta:
        icon = "media"
        template = "cms/blocks/video.html"
        preview_value = {"video": "https://www.youtube.com/watch?v=example", "title": "", "transcript": ""}
        label = _("Video")
        description = _("A link to a video on its own site, with an optional transcript.")


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), max_length=200, required=False)

    class Meta:
        icon = "doc-full"
        template = "cms/blocks/document.html"
        label = _("Document")
        description = _("A link to a file from the document library.")


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("note", _("Note")), ("tip", _("Tip")), ("warning", _("Warning"))], default="note", label=_("Kind")
    )
    title = blocks.CharBlock(label=_("Title"), max_length=120, required=False)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "warning"
        template = "cms/blocks/callout.html"
        label = _("Callout")
        description = _("A highlighted note, tip or warning.")
        preview_value = {"kind": "tip", "title": "Tip", "text": "<p>Check the source before you share.</p>"}


class CitationBlock(blocks.StructBlock):
    citation = blocks.CharBlock(label=_("Citation"), max_length=500)
    url = blocks.URLBlock(label=_("Link to the resource"), required=False)
    note = blocks.CharBlock(label=_("Note"), max_length=300, required=False)

    class Meta:
        icon = "link"
        label = _("Citation")
        preview_value = {
            "citation": "IFLA. Media and Information Literacy Recommendations. 2011.",
            "url": "https://www.ifla.org/",
            "note": "",
        }


class ReadingListBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120, default=_("Further reading"))
    items = blocks.ListBlock(CitationBlock(), label=_("Citations"))

    class Meta:
        icon = "list-ul"
        template = "cms/blocks/reading_list.html"
        label = _("Reading list")
        description = _("A numbered list of citations with optional links and notes.")
        preview_value = {
            "title": "Further reading",
            "items": [
                {
                    "citation": "IFLA. Media and Information Literacy Recommendations. 2011.",
                    "url": "https://www.ifla.org/",
                    "note": "Short and practical.",
                },
                {"citation": "UNESCO. Media and Information Literate Citizens. 2021.", "url": "", "note": ""},
            ],
        }


class BaseStreamBlock(blocks.StreamBlock):
    """The blocks every page body may use; courses extend it with H5P and quizzes."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    callout = CalloutBlock()
    reading_list = ReadingListBlock()
