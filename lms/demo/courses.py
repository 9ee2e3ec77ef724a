# ruff: noqa: RUF001 -- the Russian demo texts are Cyrillic on purpose
"""Demo courses: one real course per training track, with lessons, a quiz and the H5P true-or-false package.

``courses_seed(site_root=..., trainer=..., association=...)`` is safe to run twice: pages are found by slug
under their parent and left as they are, and the H5P package is uploaded once (by content hash).
``build_courses()`` is the seed_demo step: it finds the home page, the trainer and the association first.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from wagtail.models import Locale, Page, Site

from accounts.models import Association, User
from accounts.roles import TRAINERS_GROUP
from cms.models import MenuLink, NavigationSettings
from cms.services import trainers_grant_section
from courses.models import CourseIndexPage, CoursePage, LessonPage, Skill

H5P_FIXTURE = Path(settings.BASE_DIR) / "lms/demo/h5p/true-false.h5p"
CATALOGUE_SLUG = "courses"


def _p(*paragraphs: str) -> dict:
    return {"type": "paragraph", "value": "".join(f"<p>{text}</p>" for text in paragraphs)}


def _heading(text: str) -> dict:
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


def _callout(kind: str, title: str, text: str) -> dict:
    return {"type": "callout", "value": {"kind": kind, "title": title, "text": f"<p>{text}</p>"}}


def _reading(*items: tuple[str, str, str]) -> dict:
    return {
        "type": "reading_list",
        "value": {
            "title": "Further reading",
            "items": [{"citation": citation, "url": url, "note": note} for citation, url, note in items],
        },
    }


def _question(text: str, options: list[tuple[str, bool]], feedback: str, kind: str = "single") -> dict:
    return {
        "kind": kind,
        "text": text,
        "options": [{"text": option, "correct": correct} for option, correct in options],
        "feedback": feedback,
    }


def _quiz(questions: list[dict], *, pass_mark: int = 70, attempt_limit: int = 3) -> dict:
    return {
        "type": "quiz",
        "value": {
            "title": "Check your understanding",
            "introduction": "Answer every question, then submit. You see feedback on each answer afterwards.",
            "questions": questions,
            "pass_mark": pass_mark,
            "attempt_limit": attempt_limit,
        },
    }


def _h5p(package_id: int) -> dict:
    return {
        "type": "h5p",
        "value": {"package": package_id, "title": "A quick interactive check", "graded": True, "pass_mark": 100},
    }


MEDIA_LITERACY = {
    "slug": "verifying-information",
    "title": "Verifying information: a toolkit for librarians",
    "summary": (
        "Practical verification for reference and outreach work: lateral reading, tracing claims to their "
        "source, and checking images and video, so that you can teach these habits to library users."
    ),
    "track": "media-literacy",
    "level": "introductory",
    "estimated_hours": 3,
    "cpd_hours": 3,
    "skills": ["Media and information literacy", "Fact-checking and verification", "Countering disinformation"],
    "lessons": [
        {
            "slug": "why-verification-matters",
            "title": "Why verification matters in libraries",
            "section": "Foundations",
            "body": [
                _p(
                    "People bring libraries the questions they cannot settle elsewhere: is this health advice "
                    "sound, is this quotation real, was this photograph taken where the caption says? Answering "
                    "them well is a reference skill, and teaching people to answer them themselves is one of "
                    "the most useful things a library can offer.",
                    "Verification is not about deciding who is right in a debate. It is about establishing "
                    "where a claim comes from, who stands behind it and what evidence supports it, and then "
                    "saying clearly what is known and what is not.",
                ),
                _callout(
                    "tip",
                    "Three questions",
                    "Who is behind this information? What is the evidence? What do other sources say? "
                    "(Stanford History Education Group, Civic Online Reasoning.)",
                ),
            ],
        },
        {
            "slug": "lateral-reading",
            "title": "Lateral reading",
            "section": "Foundations",
            "body": [
                _p(
                    "Professional fact-checkers rarely read an unfamiliar website from top to bottom. They "
                    "leave it almost at once and open new tabs to find out what others say about the source: "
                    "who funds it, who writes for it, whether it has a record of corrections.",
                    "This habit, called lateral reading, beats careful vertical reading of the page itself, "
                    "because a well-designed site can look authoritative while hiding its purpose. Search for "
                    "the organisation's name together with words such as funding, criticism or review.",
                ),
                _reading(
                    (
                        "Wineburg, S. & McGrew, S. (2019). Lateral reading and the nature of expertise. "
                        "Teachers College Record, 121(11).",
                        "https://doi.org/10.1177/016146811912101102",
                        "The study comparing fact-checkers, historians and students.",
                    ),
                    (
                        "Caulfield, M. (2017). Web Literacy for Student Fact-Checkers.",
                        "https://open.library.okstate.edu/webliteracy/",
                        "An open textbook; the SIFT method in detail.",
                    ),
                ),
            ],
        },
        {
            "slug": "images-and-video",
            "title": "Checking images and video",
            "section": "Practice",
            "body": [
                _p(
                    "Most misleading images are not fakes: they are real pictures placed in a false context, "
                    "an old flood shown as today's, a protest in one country captioned as another. Start with "
                    "a reverse image search in two or three engines and look for the earliest copy you can find.",
                    "For video, take key frames and search for them the same way. Check the weather, the "
                    "signs, the vehicles and the language on screen against what the caption claims.",
                ),
                _callout(
                    "warning",
                    "Be careful with people in pictures",
                    "Verifying an image never justifies exposing the people in it. Share what you learn about "
                    "the image, not about private individuals.",
                ),
            ],
        },
        {
            "slug": "check-your-understanding",
            "title": "Check your understanding",
            "section": "Practice",
            "h5p": True,
            "body": [
                _p("Try the interactive warm-up first, then answer the quiz. You need 70% to pass the quiz."),
                _quiz(
                    [
                        _question(
                            "What does lateral reading mean?",
                            [
                                ("Reading a page slowly from top to bottom", False),
                                ("Leaving the page to find out what other sources say about it", True),
                                ("Reading only the headline and the captions", False),
                            ],
                            "Fact-checkers leave the page early and check the source from the outside.",
                        ),
                        _question(
                            "Most misleading images are skilful digital fakes.",
                            [("True", False), ("False", True)],
                            "Most are genuine images in a false context: the date, place or caption is wrong.",
                            kind="true_false",
                        ),
                        _question(
                            "Which of these help you date a photograph?",
                            [
                                ("The earliest copy found by reverse image search", True),
                                ("Weather records for the claimed place and day", True),
                                ("The number of times it was shared", False),
                            ],
                            "Popularity tells you nothing about when or where a picture was taken.",
                            kind="multiple",
                        ),
                    ]
                ),
            ],
        },
    ],
}

FUTURE_LIS_SKILLS = {
    "slug": "research-data-services",
    "title": "Research data services in the library",
    "summary": (
        "How academic and special libraries support researchers with their data: FAIR principles, data "
        "management plans, repositories and the conversations that start a data service."
    ),
    "track": "future-lis-skills",
    "level": "intermediate",
    "estimated_hours": 4,
    "cpd_hours": 4,
    "skills": ["Research data management", "Research data services", "Open science and open access"],
    "lessons": [
        {
            "slug": "what-researchers-need",
            "title": "What researchers need from the library",
            "body": [
                _p(
                    "Funders increasingly require researchers to plan how they will manage, preserve and share "
                    "their data. Many researchers have never been trained to do this, and the library is often "
                    "the only service on campus that knows about metadata, licences and long-term access.",
                    "A good data service starts by listening: interview a few research groups about the data "
                    "they produce, where it lives today and what worries them about sharing it.",
                ),
            ],
        },
        {
            "slug": "fair-in-practice",
            "title": "FAIR data in practice",
            "body": [
                _p(
                    "FAIR stands for Findable, Accessible, Interoperable and Reusable. Findable data has a "
                    "persistent identifier and rich metadata; accessible data can be retrieved by a standard "
                    "protocol, even when access is restricted; interoperable data uses open formats and shared "
                    "vocabularies; reusable data carries a clear licence and provenance.",
                    "FAIR is not the same as open: sensitive data can be FAIR when its metadata is public and "
                    "the conditions of access are stated.",
                ),
                _reading(
                    (
                        "Wilkinson, M. D. et al. (2016). The FAIR Guiding Principles for scientific data "
                        "management and stewardship. Scientific Data, 3, 160018.",
                        "https://doi.org/10.1038/sdata.2016.18",
                        "",
                    ),
                ),
            ],
        },
        {
            "slug": "data-management-plans",
            "title": "Data management plans",
            "body": [
                _p(
                    "A data management plan describes what data a project will collect, how it will be "
                    "documented and stored, who may access it, and where it will be preserved at the end. "
                    "Libraries can offer templates, review drafts before submission and suggest repositories.",
                ),
                _quiz(
                    [
                        _question(
                            "FAIR data must always be openly available to everyone.",
                            [("True", False), ("False", True)],
                            "Data can be FAIR with restricted access, as long as the metadata and the access "
                            "conditions are public.",
                            kind="true_false",
                        ),
                        _question(
                            "What makes data findable?",
                            [
                                ("A persistent identifier and rich metadata", True),
                                ("A large file size", False),
                                ("Storage on a researcher's laptop", False),
                            ],
                            "Identifiers such as DOIs and good metadata let people and machines find data.",
                        ),
                    ]
                ),
            ],
        },
    ],
}

ONLINE_GOVERNANCE = {
    "slug": "online-general-assembly",
    "title": "Running an online general assembly",
    "summary": (
        "For boards and secretaries of library associations: rules of procedure for online meetings, quorum "
        "and proxies, secret and open ballots, and minutes that members can trust."
    ),
    "track": "online-governance",
    "level": "intermediate",
    "estimated_hours": 2,
    "cpd_hours": 2,
    "skills": ["Governance and advocacy", "Online meetings and voting", "Online facilitation"],
    "lessons": [
        {
            "slug": "rules-of-procedure-online",
            "title": "Rules of procedure for online meetings",
            "body": [
                _p(
                    "Before an association meets online, its statutes or rules of procedure must allow it. "
                    "Check how notice is given, how members prove who they are, how they ask to speak and how "
                    "votes are cast and counted, and write down anything that differs from an in-person meeting.",
                ),
            ],
        },
        {
            "slug": "quorum-proxies-voting",
            "title": "Quorum, proxies and voting",
            "body": [
                _p(
                    "The quorum is counted from members who are present when the meeting opens and is checked "
                    "again before each vote. Proxies must be registered before the meeting, and a proxy holder "
                    "may carry only as many votes as the rules allow.",
                    "Use a secret ballot for elections and for any question about a person; open votes suit "
                    "routine decisions. Publish the result together with the number of eligible voters.",
                ),
            ],
        },
        {
            "slug": "minutes-and-transparency",
            "title": "Minutes and transparency",
            "required": False,
            "body": [
                _p(
                    "Minutes record who attended, the quorum, every motion with its mover and the result of "
                    "each vote. Publish them to members promptly and keep the electoral roll and tallies with "
                    "them, so that any result can be checked later.",
                ),
                _quiz(
                    [
                        _question(
                            "When should the quorum be checked?",
                            [
                                ("Only when the meeting opens", False),
                                ("When the meeting opens and again before each vote", True),
                            ],
                            "Members may leave during an online meeting; check before every vote.",
                        ),
                        _question(
                            "Which decisions call for a secret ballot?",
                            [
                                ("Elections of board members", True),
                                ("Questions about a named person", True),
                                ("Approving the agenda", False),
                            ],
                            "Secret ballots protect members voting on people.",
                            kind="multiple",
                        ),
                    ],
                    attempt_limit=0,
                ),
            ],
        },
    ],
}

COURSES = [MEDIA_LITERACY, FUTURE_LIS_SKILLS, ONLINE_GOVERNANCE]

RUSSIAN_CATALOGUE = {
    "title": "Курсы",
    "intro": "Короткие практические курсы для специалистов библиотечно-информационной сферы, с сертификатами о "
    "повышении квалификации.",
}

# The governance course in Russian: a translation of the English page, as trainers make them in Wagtail.
RUSSIAN_COURSES = {
    "online-general-assembly": {
        "title": "Как провести общее собрание онлайн",
        "summary": (
            "Для членов правлений и секретарей библиотечных ассоциаций: регламент онлайн-собраний, кворум и "
            "доверенности, тайное и открытое голосование, протоколы, которым доверяют члены ассоциации."
        ),
        "lessons": {
            "rules-of-procedure-online": {
                "title": "Регламент онлайн-собраний",
                "body": [
                    _p(
                        "Прежде чем проводить собрание онлайн, убедитесь, что устав или регламент ассоциации "
                        "это допускают. Проверьте, как рассылается извещение, как участники подтверждают "
                        "личность, как просят слова и как подаются и подсчитываются голоса. Запишите всё, "
                        "что отличается от очного собрания.",
                    ),
                ],
            },
            "quorum-proxies-voting": {
                "title": "Кворум, доверенности и голосование",
                "body": [
                    _p(
                        "Кворум считается по членам, присутствующим на открытии собрания, и проверяется снова "
                        "перед каждым голосованием. Доверенности регистрируются до собрания, и у представителя "
                        "не может быть больше голосов, чем разрешает регламент.",
                        "Для выборов и любых вопросов о конкретных людях используйте тайное голосование; "
                        "открытое подходит для текущих решений. Публикуйте итоги вместе с числом членов, "
                        "имевших право голоса.",
                    ),
                ],
            },
            "minutes-and-transparency": {
                "title": "Протокол и прозрачность",
                "body": [
                    _p(
                        "В протоколе указываются присутствующие, кворум, каждое предложение с его автором и "
                        "итог каждого голосования. Без задержки публикуйте протокол для членов ассоциации и "
                        "храните вместе с ним список голосующих и подсчёт голосов, чтобы любой итог можно "
                        "было проверить.",
                    ),
                    _quiz(
                        [
                            _question(
                                "Когда нужно проверять кворум?",
                                [
                                    ("Только при открытии собрания", False),
                                    ("При открытии и перед каждым голосованием", True),
                                ],
                                "Участники могут покинуть онлайн-собрание: проверяйте кворум перед каждым "
                                "голосованием.",
                            ),
                            _question(
                                "Какие решения требуют тайного голосования?",
                                [
                                    ("Выборы членов правления", True),
                                    ("Вопросы о конкретном человеке", True),
                                    ("Утверждение повестки дня", False),
                                ],
                                "Тайное голосование защищает тех, кто голосует по вопросам о людях.",
                                kind="multiple",
                            ),
                        ],
                        attempt_limit=0,
                    ),
                ],
            },
        },
    },
}


def _with_ids(blocks: list[dict]) -> list[dict]:
    return [{**block, "id": str(uuid.uuid4())} for block in blocks]


def _h5p_package_id(*, uploaded_by) -> int:
    """The demo H5P package (uploaded through the h5p app's own validation; once, by content hash).

    Its libraries are code, which only a site administrator installs: the demo uploads as one when there is
    one (else as the trusted demo command itself), never as the trainer.
    """
    from h5p.services import library_may_install, package_upload

    if not library_may_install(uploaded_by):
        uploaded_by = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    upload = SimpleUploadedFile("true-false.h5p", H5P_FIXTURE.read_bytes(), content_type="application/zip")
    return package_upload(uploaded_file=upload, title="Is this false?", uploaded_by=uploaded_by).pk


def _child(parent: Page, model, slug: str, **fields) -> Page:
    """The ``model`` page with ``slug`` under ``parent``; created and published if missing, else left alone."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = parent.add_child(instance=model(slug=slug, **fields))
    page.save_revision(user=None).publish()
    return page


@transaction.atomic
def courses_seed(*, site_root: Page, trainer: User, association: Association) -> list[CoursePage]:
    """The catalogue under ``site_root`` and three demo courses by ``trainer``, issued by ``association``."""
    index = _child(
        site_root,
        CourseIndexPage,
        CATALOGUE_SLUG,
        title="Courses",
        intro="Short, practical courses for library and information professionals, with CPD certificates.",
    )
    package_id = _h5p_package_id(uploaded_by=trainer)
    locale = index.locale
    courses = []
    for spec in COURSES:
        course = CoursePage.objects.child_of(index).filter(slug=spec["slug"]).first()
        if course is None:
            course = index.add_child(
                instance=CoursePage(
                    slug=spec["slug"],
                    title=spec["title"],
                    summary=spec["summary"],
                    track=spec["track"],
                    level=spec["level"],
                    language="en",
                    estimated_hours=spec["estimated_hours"],
                    cpd_hours=spec["cpd_hours"],
                    issuer=association,
                )
            )
            course.trainers.set([trainer])
            course.skills.set(Skill.objects.filter(locale=locale, name__in=spec["skills"]))
            course.save_revision(user=trainer).publish()
        for lesson in spec["lessons"]:
            body = list(lesson["body"])
            if lesson.get("h5p"):
                body.insert(1, _h5p(package_id))
            _child(
                course,
                LessonPage,
                lesson["slug"],
                title=lesson["title"],
                section=lesson.get("section", ""),
                required=lesson.get("required", True),
                body=_with_ids(body),
            )
        courses.append(course)
    return courses


def build_courses() -> list:
    """The seed_demo step: runs after the site and people steps; prints no extra logins."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    trainer = User.objects.filter(groups__in=Group.objects.filter(name=TRAINERS_GROUP)).order_by("pk").first()
    association = Association.objects.order_by("pk").first()
    if site is None or trainer is None or association is None:
        raise RuntimeError("build_courses needs the demo site, a user in the Trainers group and an association.")
    courses = courses_seed(site_root=site.root_page.specific, trainer=trainer, association=association)
    catalogue = courses[0].get_parent()
    _menu_link_ensure(site, catalogue)
    russian = Locale.objects.filter(language_code="ru").first()
    if russian is not None:
        _russian_skills(russian)
        _russian_courses(russian, courses)
    trainers_grant_section(page=catalogue)  # after the Russian catalogue exists: it covers translations
    return []


def _menu_link_ensure(site: Site, page: Page) -> None:
    """The catalogue in the main menu, once."""
    nav = NavigationSettings.for_site(site)
    if not MenuLink.objects.filter(setting=nav, page=page).exists():
        MenuLink.objects.create(setting=nav, page=page, sort_order=MenuLink.objects.filter(setting=nav).count())


def _translate(page: Page, locale: Locale, **fields) -> Page:
    """The translation of ``page`` into ``locale``, created and published once (later runs leave it alone)."""
    translation = page.get_translation_or_none(locale)
    if translation is not None:
        return translation.specific
    translation = page.copy_for_translation(locale).specific
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    return translation


def _russian_courses(russian: Locale, courses: list[CoursePage]) -> None:
    """The Russian catalogue (under the Russian home page) and the courses translated into Russian."""
    index = courses[0].get_parent().specific
    if index.get_parent().get_translation_or_none(russian) is None:
        return  # the site step did not translate the home page
    _translate(index, russian, **RUSSIAN_CATALOGUE)
    for course in courses:
        texts = RUSSIAN_COURSES.get(course.slug)
        if texts is None:
            continue
        translated = _translate(course, russian, title=texts["title"], summary=texts["summary"], language="ru")
        skills = [skill.get_translation_or_none(russian) or skill for skill in course.skills.all()]
        if set(translated.skills.all()) != set(skills):
            translated.skills.set(skills)
            translated.save_revision().publish()
        for lesson in LessonPage.objects.child_of(course).order_by("path"):
            lesson_texts = texts["lessons"][lesson.slug]
            _translate(lesson, russian, title=lesson_texts["title"], body=_with_ids(lesson_texts["body"]))


def _russian_skills(russian: Locale) -> None:
    """Russian names for the seeded skills (the migration ran before the site had a Russian locale)."""
    from importlib import import_module

    seed = import_module("courses.migrations.0002_seed_skills")
    default = Locale.get_default()
    for _category, name, _description, ru_name, ru_description in seed.SKILLS:
        skill = Skill.objects.filter(locale=default, name=name).first()
        if skill is None or skill.get_translation_or_none(russian) is not None:
            continue
        translation = skill.copy_for_translation(russian)
        translation.name = ru_name
        translation.description = ru_description
        translation.save()
