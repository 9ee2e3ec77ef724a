"""Seed the LIS skills framework with a starting set (English; Russian too where that locale exists)."""

import uuid

from django.conf import settings
from django.db import migrations

SKILLS = [
    # (category, English name, English description, Russian name, Russian description)
    ("information", "Media and information literacy", "Find, evaluate, use and create information and media critically and ethically.", "Медийная и информационная грамотность", "Критически и этично находить, оценивать, использовать и создавать информацию и медиаконтент."),
    ("information", "Fact-checking and verification", "Trace claims, images and videos to their sources and check them with open methods.", "Проверка фактов и верификация", "Прослеживать утверждения, изображения и видео до источников и проверять их открытыми методами."),
    ("information", "Countering disinformation", "Recognise manipulation techniques and help communities build resilience to them.", "Противодействие дезинформации", "Распознавать приёмы манипуляции и помогать сообществам противостоять им."),
    ("information", "AI literacy", "Understand how generative AI and recommender systems work, where they fail and how to use them responsibly.", "Грамотность в области ИИ", "Понимать, как работают генеративный ИИ и рекомендательные системы, где они ошибаются и как ими пользоваться ответственно."),
    ("digital", "Digital literacy", "Use digital tools, services and devices confidently and safely, and teach others to.", "Цифровая грамотность", "Уверенно и безопасно пользоваться цифровыми инструментами, сервисами и устройствами и учить этому других."),
    ("digital", "Online privacy and security", "Protect personal data and accounts, and advise library users on privacy.", "Конфиденциальность и безопасность в сети", "Защищать персональные данные и учётные записи и консультировать читателей по вопросам приватности."),
    ("digital", "User experience and service design", "Study how people use library services and redesign them around their needs.", "Пользовательский опыт и проектирование услуг", "Изучать, как люди пользуются библиотечными услугами, и перестраивать услуги под их потребности."),
    ("research", "Copyright and open licences", "Apply copyright, exceptions for libraries and Creative Commons licences in daily work.", "Авторское право и открытые лицензии", "Применять авторское право, библиотечные исключения и лицензии Creative Commons в повседневной работе."),
    ("research", "Open science and open access", "Support open access publishing, repositories and open research practices.", "Открытая наука и открытый доступ", "Поддерживать публикации в открытом доступе, репозитории и практики открытой науки."),
    ("research", "Research data management", "Plan, describe, store and share research data following the FAIR principles.", "Управление исследовательскими данными", "Планировать, описывать, хранить и публиковать исследовательские данные по принципам FAIR."),
    ("research", "Research data services", "Design and run library services that help researchers with their data.", "Сервисы исследовательских данных", "Создавать и вести библиотечные сервисы, помогающие исследователям работать с данными."),
    ("research", "Metadata and cataloguing", "Describe resources with current standards so that people and machines can find them.", "Метаданные и каталогизация", "Описывать ресурсы по современным стандартам, чтобы их находили и люди, и машины."),
    ("community", "Community engagement", "Build partnerships with local communities and involve them in library programmes.", "Работа с местным сообществом", "Выстраивать партнёрства с местными сообществами и вовлекать их в библиотечные программы."),
    ("community", "Online facilitation", "Plan and lead online workshops, webinars and discussions that involve every participant.", "Онлайн-фасилитация", "Планировать и вести онлайн-семинары, вебинары и обсуждения с участием каждого."),
    ("community", "Instructional design", "Design courses and learning activities with clear outcomes and fair assessment.", "Проектирование обучения", "Проектировать курсы и учебные задания с ясными результатами и справедливой оценкой."),
    ("governance", "Governance and advocacy", "Take part in association governance and advocate for libraries with decision makers.", "Управление и адвокация", "Участвовать в управлении ассоциацией и отстаивать интересы библиотек перед лицами, принимающими решения."),
    ("governance", "Online meetings and voting", "Run lawful general meetings, elections and votes online under the rules of procedure.", "Онлайн-собрания и голосования", "Проводить общие собрания, выборы и голосования онлайн в соответствии с регламентом."),
    ("governance", "Strategic planning", "Set goals, measure impact and report to members and funders.", "Стратегическое планирование", "Ставить цели, измерять результаты и отчитываться перед членами и грантодателями."),
    ("collections", "Digital preservation", "Keep digital collections usable and authentic over time.", "Цифровая сохранность", "Сохранять цифровые коллекции пригодными к использованию и подлинными на протяжении времени."),
    ("collections", "Digitisation", "Plan and run digitisation projects, from selection to access.", "Оцифровка", "Планировать и проводить проекты оцифровки — от отбора до предоставления доступа."),
]


def seed(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    Skill = apps.get_model("courses", "Skill")
    english, _created = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    russian = Locale.objects.filter(language_code="ru").first()
    for category, name, description, ru_name, ru_description in SKILLS:
        if Skill.objects.filter(locale=english, name=name).exists():
            continue
        key = uuid.uuid4()
        Skill.objects.create(
            translation_key=key, locale=english, category=category, name=name, description=description
        )
        if russian is not None and not Skill.objects.filter(locale=russian, name=ru_name).exists():
            Skill.objects.create(
                translation_key=key, locale=russian, category=category, name=ru_name, description=ru_description
            )


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial"), ("wagtailcore", "0098_apitoken")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
