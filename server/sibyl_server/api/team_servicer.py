"""TeamService: the caller's team and its tokens."""

from __future__ import annotations

from typing import Any

from sibyl.v1 import team_service_pb2 as pb
from sibyl.v1 import team_service_pb2_grpc as pb_grpc
from sibyl_server.api import convert
from sibyl_server.api.rpc import Servicer, rpc
from sibyl_server.domain.names import TeamName, TokenName, parse_team_name, parse_token_name
from sibyl_server.domain.team import Role
from sibyl_server.service.teams import TeamUseCases


class TeamServicer(Servicer, pb_grpc.TeamServiceServicer):
    def __init__(self, base: Servicer, teams: TeamUseCases) -> None:
        super().__init__(base.access, base.metrics, base.runner, base.access_log)
        self._teams = teams

    @rpc(Role.READER, lambda r: parse_team_name(r.name, "name"))
    async def GetTeam(self, request: pb.GetTeamRequest, name: TeamName) -> Any:
        team = await self.run(self._teams.get_team, name)
        return pb.GetTeamResponse(team=convert.team_to_proto(team))

    @rpc(Role.ADMIN, lambda r: parse_team_name(r.parent, "parent"))
    async def CreateToken(self, request: pb.CreateTokenRequest, parent: TeamName) -> Any:
        role = convert.role_from_proto(request.role, "role")
        ttl = (
            convert.duration_from_proto(request.time_to_live, "time_to_live")
            if request.HasField("time_to_live")
            else None
        )
        token, secret = await self.run(
            self._teams.create_token, parent, role, request.description, ttl, request.request_id
        )
        return pb.CreateTokenResponse(token=convert.token_to_proto(token), secret=secret)

    @rpc(Role.ADMIN, lambda r: parse_team_name(r.parent, "parent"))
    async def ListTokens(self, request: pb.ListTokensRequest, parent: TeamName) -> Any:
        page = await self.run(
            self._teams.list_tokens, parent, request.page_size, request.page_token
        )
        return pb.ListTokensResponse(
            tokens=[convert.token_to_proto(t) for t in page.tokens],
            next_page_token=page.next_page_token,
        )

    @rpc(Role.ADMIN, lambda r: parse_token_name(r.name, "name"))
    async def RevokeToken(self, request: pb.RevokeTokenRequest, name: TokenName) -> Any:
        token = await self.run(self._teams.revoke_token, name)
        return pb.RevokeTokenResponse(token=convert.token_to_proto(token))
