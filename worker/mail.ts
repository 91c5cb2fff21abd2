/**
 * Outgoing email. The Worker hands messages to a Mailer; locally the console one prints them
 * (wrangler dev shows the link), production plugs in a real provider behind the same interface.
 */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export const consoleMailer: Mailer = {
  async send(message) {
    console.log(`[mail] to ${message.to}: ${message.subject}\n${message.text}`);
  },
};
