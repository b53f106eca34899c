import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../auth/public.decorator';
import { NotFoundError } from '../../common/domain-error';
import { DashboardBundle } from '../dashboard-bundle';
import { ASSET_HEADERS, dashboardTarget, PAGE_HEADERS } from '../domain/dashboard-paths';

const NOT_BUILT = () => new NotFoundError('DASHBOARD_NOT_BUILT', 'the dashboard is not built: npm run build writes it to dist/ui');
const NO_ASSET = (path: string) => new NotFoundError('NOT_FOUND', `the dashboard has no file ${path}`);

/**
 * GET /ui and below (no key: the files hold no data; every API call the page makes sends the
 * key). /ui/assets/<name> is a file of the bundle (immutable) or 404; any other path is a page
 * of the dashboard, answered with its index.html (no-cache), so that its own router shows it.
 */
@ApiExcludeController()
@Public()
@Controller('ui')
export class DashboardController {
  constructor(private readonly bundle: DashboardBundle) {}

  @Get(['', '{*path}'])
  async serve(@Req() req: Request, @Res() res: Response): Promise<void> {
    const target = dashboardTarget(req.path);
    if (target.kind === 'missing') throw NO_ASSET(req.path);
    const file = target.kind === 'asset' ? await this.bundle.asset(target.name) : await this.bundle.index();
    if (!file) throw target.kind === 'asset' ? NO_ASSET(req.path) : NOT_BUILT();
    res.set(target.kind === 'asset' ? ASSET_HEADERS : PAGE_HEADERS);
    await new Promise<void>((resolve, reject) =>
      // send's conditional GET (ETag, Last-Modified), HEAD and ranges; our Cache-Control, no dotfiles.
      res.sendFile(file, { cacheControl: false, dotfiles: 'deny' }, (err?: Error) => (err && !res.headersSent ? reject(err) : resolve())),
    ).catch(() => {
      throw target.kind === 'asset' ? NO_ASSET(req.path) : NOT_BUILT();
    });
  }
}
