import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@otus/common';
import type { Request, Response } from 'express';
import { PageRenderer } from './page-renderer';

interface ErrorPage {
  status: number;
  title: string;
  lead: string;
  next: string;
}

const SESSION: Omit<ErrorPage, 'status'> = {
  title: 'Откройте ссылку из письма ещё раз',
  lead: 'Сеанс работы с договором завершился (он длится 30 минут) или ещё не начинался в этом браузере.',
  next: 'Найдите письмо от школы OTUS и нажмите на ссылку в нём — вы вернётесь туда, где остановились. Уже отправленные данные сохранены.',
};

const NOT_FOUND: Omit<ErrorPage, 'status'> = {
  title: 'Страница не найдена',
  lead: 'Такой заявки нет, или эта ссылка открыта не из того письма.',
  next: 'Откройте ссылку из последнего письма школы OTUS. Если не получается, свяжитесь со школой.',
};

const FORBIDDEN: Omit<ErrorPage, 'status'> = {
  title: 'Запрос отклонён',
  lead: 'Форму можно отправить только со страницы договора.',
  next: 'Вернитесь на страницу по ссылке из письма и попробуйте ещё раз.',
};

const BROKEN: Omit<ErrorPage, 'status'> = {
  title: 'Что-то пошло не так',
  lead: 'Мы не смогли показать страницу. Ваши данные не потеряны.',
  next: 'Обновите страницу через минуту. Если ошибка повторяется, свяжитесь со школой OTUS и назовите код ошибки.',
};

/**
 * The pages' answer to anything their handlers did not turn into a page themselves: a
 * Russian HTML page with the right status, never the API's JSON. Another application's id
 * and an unknown one get the same 404 page.
 */
@Catch()
@Injectable()
export class PagesExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(PagesExceptionFilter.name);

  constructor(private readonly renderer: PageRenderer) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request & { id?: string }>();
    const res = http.getResponse<Response>();
    const traceId = String(req.id ?? req.headers['x-request-id'] ?? '');
    const page = describe(exception);
    if (page.status >= 500) this.logger.error({ err: exception, traceId }, 'page failed');
    if (res.headersSent) return;
    this.renderer.send(
      res,
      'message',
      { ...page, traceId: page.status >= 500 ? traceId : null, tone: page.status >= 500 ? 'error' : 'info' },
      page.status,
    );
  }
}

function describe(exception: unknown): ErrorPage {
  const status =
    exception instanceof DomainError
      ? exception.status
      : exception instanceof HttpException
        ? exception.getStatus()
        : typeof (exception as { status?: unknown })?.status === 'number'
          ? (exception as { status: number }).status
          : 500;
  if (status === 401) return { status, ...SESSION };
  if (status === 404) return { status, ...NOT_FOUND };
  if (status === 403) return { status, ...FORBIDDEN };
  if (status >= 400 && status < 500) return { status, ...BROKEN, lead: 'Запрос не удалось выполнить.' };
  return { status: status >= 500 ? status : 500, ...BROKEN };
}
