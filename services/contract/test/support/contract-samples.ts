import type { ContractParties, CourseTerms } from '../../src/documents/pdf/contract-pdf.renderer';

/** One client and one course, as the unit specs of the contract PDF and its seal print them. */
export const parties: ContractParties = {
  applicationId: '3f2a9c1b-5d7e-4a8b-9c0d-1e2f3a4b5c6d',
  fullName: 'Иванова Екатерина Сергеевна',
  birthDate: '1992-03-07',
  passportSeries: '4510',
  passportNumber: '123456',
  passportIssuedBy: 'Отделом УФМС России по г. Москве по району Тверской',
  passportIssueDate: '2012-04-15',
  address: '125009, г. Москва, ул. Тверская, д. 7, кв. 15',
  phone: '+7 916 123-45-67',
  email: 'ivanova.e@example.org',
};

export const terms: CourseTerms = {
  courseCode: 'NODEJS-2026-12',
  courseTitle: 'Node.js Developer. Профессиональный курс',
  courseStartDate: '2026-12-10',
  priceKopecks: 9_900_000,
  discountKopecks: 990_000,
  finalPriceKopecks: 8_910_000,
  promoCode: 'ОСЕНЬ10',
};
