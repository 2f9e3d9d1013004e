<!DOCTYPE html>
<html lang="ru">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>{{subject}}</title>
  </head>
  <body style="margin:0;padding:0;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1f2329;">
    <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;padding:24px 0;">
      <tr>
        <td align="center">
          <table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;width:100%;background:#ffffff;border-radius:8px;">
            <tr>
              <td style="padding:24px 32px;border-bottom:1px solid #e6e8eb;font-size:22px;font-weight:bold;color:#5b3bf5;">OTUS</td>
            </tr>
            <tr>
              <td style="padding:24px 32px;font-size:16px;line-height:1.5;">
                <p style="margin:0 0 16px;">Здравствуйте, {{clientName}}!</p>
                {{{body}}}
              </td>
            </tr>
            <tr>
              <td style="padding:16px 32px;border-top:1px solid #e6e8eb;font-size:12px;line-height:1.5;color:#6b7280;">
                Это письмо отправлено автоматически, отвечать на него не нужно.<br />
                Онлайн-школа OTUS
              </td>
            </tr>
          </table>
        </td>
      </tr>
    </table>
  </body>
</html>
