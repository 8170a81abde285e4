from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("What this team handles; the AI uses it for routing.")
    )
    lead = models.ForeignKey(
        "helpdesk.Agent",
        verbose_name=_("team lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agent(models.Model):
    class Role(models.TextChoices):
        AGENT = "agent", _("Agent")
        ADMIN = "admin", _("Admin")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.AGENT)
    teams = models.ManyToManyField(
        Team, through="TeamMembership", related_name="agents", verbose_name=_("teams"), blank=True
    )
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    signature = models.TextField(_("signature"), blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True, default="")
    is_online = models.BooleanField(_("online"), default=False)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=20,
        help_text=_("Open tickets this agent can hold before auto-assignment skips them."),
    )

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        ordering = ["user__username"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        user = self.user
        return self.name_of(self.display_name, user.first_name, user.last_name, user.get_username())

    @staticmethod
    def name_of(display_name: str, first_name: str, last_name: str, username: str) -> str:
        """An agent's name from its columns (selectors that read plain rows name agents the same way)."""
        return display_name or f"{first_name} {last_name}".strip() or username

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [models.UniqueConstraint(fields=["team", "agent"], name="team_membership_unique")]

    def __str__(self) -> str:
        return f"{self.agent} in {self.team}"
