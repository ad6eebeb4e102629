/** `GET /currencies`: the ISO 4217 currencies a session may use and their minor-unit digits. */
import { CURRENCY_CODES, currencyMinorDigits } from '../../engine/currency';

export interface CurrencyInfo {
  code: string;
  digits: number;
}

export const listCurrencies = (): CurrencyInfo[] =>
  CURRENCY_CODES.map((code) => ({ code, digits: currencyMinorDigits(code)! }));
